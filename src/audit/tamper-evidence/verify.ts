import pg from 'pg';
import type { Queryable } from '../../event-store/index.js';
import type { Finding } from './findings.js';
import { verifyChains } from './verify-chains.js';
import { verifySeals } from './verify-seals.js';

export interface VerifyReport {
  /** True when nothing was found. */
  ok: boolean;
  events: number;
  streams: number;
  seals: number;
  /** The first bad event (or seal) in the log's order: where to start looking. */
  first?: Finding;
  /** Every finding in the log's order, the first MAX_FINDINGS of them. */
  findings: Finding[];
  findingsLeftOut: number;
}

const MAX_FINDINGS = 1000;

/**
 * Recomputes every event's hash and every stream's chain, and checks the log against every seal
 * (verify-chains.ts, verify-seals.ts). The log may grow meanwhile: what was there at the start is
 * checked, and events appended since may or may not be.
 */
export async function verifyLog(
  db: Queryable,
  options: { trustedKeys: readonly Buffer[]; onProgress?: (events: number) => void },
): Promise<VerifyReport> {
  const findings: Finding[] = [];
  let found = 0;
  const report = {
    finding(finding: Finding) {
      found++;
      findings.push(finding);
      // Keep the earliest ones: sort now and then, and drop the rest.
      if (findings.length > 4 * MAX_FINDINGS) findings.splice(0, findings.length, ...inLogOrder(findings).slice(0, MAX_FINDINGS));
    },
    progress: (events: number) => options.onProgress?.(events),
  };
  // A pool runs the passes side by side; one connection takes them in turn.
  const [chains, seals] =
    db instanceof pg.Pool
      ? await Promise.all([verifyChains(db, report), verifySeals(db, options.trustedKeys, report)])
      : [await verifyChains(db, report), await verifySeals(db, options.trustedKeys, report)];
  const kept = inLogOrder(findings).slice(0, MAX_FINDINGS);
  return { ok: found === 0, events: chains.events, streams: chains.streams, seals, first: kept[0], findings: kept, findingsLeftOut: found - kept.length };
}

/**
 * The chains' findings first, since they name the very event, then what seals show about events,
 * then what they show about themselves; each by where it shows in the log.
 */
function inLogOrder(findings: readonly Finding[]): Finding[] {
  const rank = (finding: Finding) => (finding.by === 'chain' ? 0 : finding.event ? 1 : 2);
  return [...findings].sort((a, b) => rank(a) - rank(b) || a.at - b.at || a.kind.localeCompare(b.kind));
}
