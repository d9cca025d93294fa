import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AsNumber } from '../../common/query-params.js';
import { formatCheckpoint } from '../../event-store/index.js';
import { IsNumberIn, IsOmittable } from '../../incidents/http/dto/validators.js';
import type { FindingKind } from '../tamper-evidence/findings.js';
import { sealStatement } from '../tamper-evidence/seal-statement.js';
import type { StoredSeal } from '../tamper-evidence/seal-store.js';

export const SEALS_LIMIT = { default: 100, max: 1000 } as const;

export class SealsQueryDto {
  @ApiPropertyOptional({ description: 'List the seals after this sequence number: the last one you hold.', minimum: 0 })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true })
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: SEALS_LIMIT.max, default: SEALS_LIMIT.default })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: SEALS_LIMIT.max, integer: true })
  limit?: number;
}

class SealHeadsDto {
  @ApiProperty({ description: 'Streams that grew since the previous seal.', example: 42 })
  count: number;

  @ApiProperty({ description: 'sha256 (hex) over `["<stream id>",<version>,"<hex hash>"]\\n` for each, in byte order of the stream ids.' })
  digest: string;
}

export class SealDto {
  @ApiProperty({ example: 12 })
  sequence: number;

  @ApiProperty({ description: 'The last event sealed, in the safe order (as the /events feed writes it).', example: '1042-977' })
  checkpoint: string;

  @ApiProperty({ description: 'Events in the log up to the checkpoint.', example: 977 })
  events: number;

  @ApiProperty({ description: 'RFC 9162 Merkle tree hash (hex) over the hashes of those events, in the safe order.' })
  root: string;

  @ApiProperty({ type: SealHeadsDto })
  heads: SealHeadsDto;

  @ApiProperty({ description: 'sha256 (hex) of the previous seal\'s statement; null for the first.', nullable: true, type: String })
  previous: string | null;

  @ApiProperty({ example: '2026-11-29T12:00:00.000Z' })
  sealedAt: string;

  @ApiProperty({ description: 'The raw Ed25519 public key, base64url (the `x` of a JWK).' })
  publicKey: string;

  @ApiProperty({ description: 'Ed25519 signature (base64url) over `statement`.' })
  signature: string;

  @ApiProperty({ description: 'The exact text signed: the RFC 8785 form of the fields above (but the signature).' })
  statement: string;
}

export class SealsPageDto {
  @ApiProperty({ type: [SealDto] })
  seals: SealDto[];
}

export function toSealDto(seal: StoredSeal): SealDto {
  return {
    sequence: seal.sequence,
    checkpoint: formatCheckpoint(seal.checkpoint),
    events: seal.events,
    root: seal.root.toString('hex'),
    heads: { count: seal.heads, digest: seal.headsDigest.toString('hex') },
    previous: seal.previous?.toString('hex') ?? null,
    sealedAt: seal.sealedAt.toISOString(),
    publicKey: seal.publicKey.toString('base64url'),
    signature: seal.signature.toString('base64url'),
    statement: sealStatement(seal),
  };
}

class BadEventDto {
  @ApiProperty({ example: 'incident-5b1c6a8e-2f0d-4a57-9d1e-3c2b7f9e8a41' })
  streamId: string;

  @ApiProperty({ example: 3 })
  streamVersion: number;

  @ApiPropertyOptional({ description: 'Its global position, when the event is still there.' })
  position?: number;
}

const FINDING_KINDS: FindingKind[] = [
  'altered', 'deleted', 'inserted', 'reordered', 'truncated', 'stream-removed', 'rewritten', 'seal-invalid', 'seal-missing', 'seal-mismatch',
];

export class FindingDto {
  @ApiProperty({ enum: FINDING_KINDS })
  kind: FindingKind;

  @ApiPropertyOptional({ type: BadEventDto, description: 'The first bad event of its stream.' })
  event?: BadEventDto;

  @ApiPropertyOptional({ description: 'The seal that shows it.' })
  seal?: number;

  @ApiProperty({ example: 'incident-…@3 no longer gives its hash: its content was changed, or it was forged' })
  detail: string;

  @ApiProperty({ description: 'Where in the log it shows (a global position): findings come in this order.' })
  at: number;
}

export class VerifyReportDto {
  @ApiProperty({ description: 'True when every hash, chain and seal holds.' })
  ok: boolean;

  @ApiProperty()
  events: number;

  @ApiProperty()
  streams: number;

  @ApiProperty()
  seals: number;

  @ApiPropertyOptional({ type: FindingDto, description: 'The first bad event (or seal) in the log\'s order.' })
  first?: FindingDto;

  @ApiProperty({ type: [FindingDto] })
  findings: FindingDto[];

  @ApiProperty({ description: 'Findings beyond the first 1000, left out.' })
  findingsLeftOut: number;

  @ApiProperty({ description: "Events after the last seal's checkpoint: their chains guard them, no seal does yet." })
  unsealedEvents: number;

  @ApiPropertyOptional({ description: 'When the last seal was made.' })
  lastSealedAt?: Date;
}
