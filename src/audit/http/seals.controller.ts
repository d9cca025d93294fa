import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TamperEvidence } from '../tamper-evidence/tamper-evidence.service.js';
import { SEALS_LIMIT, SealsPageDto, SealsQueryDto, VerifyReportDto, toSealDto } from './seals.dto.js';
import { Requires } from '../../access/requires.decorator.js';

@ApiTags('audit')
@Requires('audit')
@Controller('audit')
export class SealsController {
  constructor(private readonly tamperEvidence: TamperEvidence) {}

  @Get('seals')
  @ApiOperation({
    summary: 'The seals of the log, oldest first: keep copies to prove later what the log held',
    description:
      'Each seal signs (Ed25519) a statement of the Merkle root over every event hash up to a checkpoint. Check a copy ' +
      'with any Ed25519 library: the signature over `statement` with `publicKey`. Page with `after` (a sequence number).',
  })
  @ApiOkResponse({ type: SealsPageDto })
  @ApiBadRequestResponse({ description: '`after` or `limit` out of range: problem+json naming the parameter.' })
  async seals(@Query() query: SealsQueryDto): Promise<SealsPageDto> {
    const seals = await this.tamperEvidence.seals({ after: query.after, limit: query.limit ?? SEALS_LIMIT.default });
    return { seals: seals.map(toSealDto) };
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Recompute every event hash, every stream chain and every seal, and name the first bad event',
    description:
      'Reads the whole log (one verification at a time). `ok` is false when anything was changed, deleted, inserted, ' +
      'reordered or cut off, or a seal does not hold; `findings` says what and where, in the log\'s order.',
  })
  @ApiOkResponse({ type: VerifyReportDto })
  verify(): Promise<VerifyReportDto> {
    return this.tamperEvidence.verify();
  }
}
