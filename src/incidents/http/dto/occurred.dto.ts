import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { DATE_PRECISIONS, type DatePrecision } from '../../domain/index.js';
import { EXAMPLE } from './examples.js';
import { IsCalendarDate, IsNotBefore, IsOmittable, IsText, MAX } from './validators.js';

export class OccurredDto {
  @ApiProperty({ format: 'date', example: '2020-07-26' })
  @IsCalendarDate()
  from: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2020-08-01',
    description: 'Left out: the last day of the day, week (from + 6 days), month or year of `from`.',
  })
  @IsOmittable()
  @IsCalendarDate()
  @IsNotBefore('from')
  to?: string;

  @ApiProperty({ enum: [...DATE_PRECISIONS], enumName: 'DatePrecision', example: 'week' })
  @IsIn(DATE_PRECISIONS)
  precision: DatePrecision;

  @ApiPropertyOptional({ maxLength: MAX.note, example: EXAMPLE.occurredNote })
  @IsOmittable()
  @IsText(MAX.note)
  note?: string;
}
