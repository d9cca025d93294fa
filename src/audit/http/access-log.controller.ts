import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Requires } from '../../access/requires.decorator.js';
import { poolOf } from '../../database/data-source.js';
import { ACCESS_LOG_LIMIT, AccessLogPageDto, AccessLogQueryDto } from './access-log.dto.js';

@ApiTags('audit')
@Requires('audit')
@Controller('audit/access-log')
export class AccessLogController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({
    summary: 'Who saw which confidential source in full, when and through what, oldest first',
    description:
      'Each answer that showed a confidential source in full was recorded as an access.confidential_sources_read event ' +
      'before it was sent; these are those reads, each with the sources it showed. It follows the log a moment ' +
      'behind; the events in /events are the record.',
  })
  @ApiOkResponse({ type: AccessLogPageDto })
  @ApiBadRequestResponse({ description: 'A malformed filter: problem+json naming each.' })
  async entries(@Query() query: AccessLogQueryDto): Promise<AccessLogPageDto> {
    const after = query.after ?? 0;
    // A page holds whole reads, so `after` (a read's position) never splits one.
    const { rows } = await poolOf(this.dataSource).query(
      `SELECT global_position, read_at, reader, role, via, request_id,
              json_agg(json_build_object('incidentId', incident_id, 'sourceId', source_id) ORDER BY incident_id, source_id) AS sources
       FROM access_log
       WHERE global_position IN (
         SELECT DISTINCT global_position FROM access_log
         WHERE global_position > $1 AND ($2::text IS NULL OR reader = $2)
           AND ($3::uuid IS NULL OR incident_id = $3) AND ($4::uuid IS NULL OR source_id = $4)
         ORDER BY global_position LIMIT $5)
       GROUP BY read_id, global_position, read_at, reader, role, via, request_id
       ORDER BY global_position`,
      [after, query.reader ?? null, query.incidentId ?? null, query.sourceId ?? null, query.limit ?? ACCESS_LOG_LIMIT.default],
    );
    const entries = rows.map((row) => ({
      position: Number(row.global_position),
      readAt: row.read_at,
      reader: row.reader,
      role: row.role,
      via: row.via,
      ...(row.request_id ? { requestId: row.request_id } : {}),
      sources: row.sources,
    }));
    return { entries, next: entries.at(-1)?.position ?? after };
  }
}
