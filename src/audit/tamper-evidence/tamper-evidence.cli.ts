import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { progressLine } from '../../common/progress.js';
import { loadConfig } from '../../config/config.js';
import { poolOf } from '../../database/data-source.js';
import { loadSealKey } from './seal-key.js';
import { Sealer } from './sealer.js';
import { verifyLog } from './verify.js';

type WithDatabase = <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;

/** `audit verify` and `audit seal`, under the `audit` command. */
export function addTamperEvidenceCommands(audit: Command, withDatabase: WithDatabase): void {
  audit
    .command('verify')
    .description(
      'recompute every event hash, every stream chain and every seal, and name the first bad event; exits 1 on any finding',
    )
    .option('--json', 'print the whole report as JSON on stdout')
    .action((options: { json?: boolean }) =>
      withDatabase(async (dataSource) => {
        const pool = poolOf(dataSource);
        const { rows } = await pool.query('SELECT count(*)::int AS total FROM events');
        const keys = trustedKeys();
        const progress = progressLine('Verified');
        const report = await verifyLog(pool, { trustedKeys: keys, onProgress: (events) => progress.draw(events, rows[0].total) });
        progress.end();
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(`Verified ${report.events} events in ${report.streams} streams against ${report.seals} seals.`);
          if (keys.length === 0) console.log('No sealing key (SEAL_KEY, SEAL_KEY_FILE) or SEAL_TRUSTED_KEYS is configured: no seal can be trusted.');
          if (report.unsealedEvents) {
            console.log(`${report.unsealedEvents} events after the last seal${report.lastSealedAt ? ` (${report.lastSealedAt.toISOString()})` : ''} are guarded by their chains alone.`);
          }
          if (report.first) console.log(`First bad: [${report.first.kind}] ${report.first.detail}`);
          for (const finding of report.findings) console.log(`  [${finding.kind}] ${finding.detail}`);
          if (report.findingsLeftOut) console.log(`  ... and ${report.findingsLeftOut} more`);
          console.log(report.ok ? 'Every hash, chain and seal holds.' : 'The log has been TAMPERED WITH (see above).');
        }
        if (!report.ok) process.exitCode = 1;
      }),
    );

  audit
    .command('seal')
    .description('seal the events recorded since the last seal now, with the configured key (the service does it on a timer)')
    .action(() =>
      withDatabase(async (dataSource) => {
        const { sealing } = loadConfig();
        const key = loadSealKey({ pem: sealing.keyPem, file: sealing.keyFile });
        const seal = await new Sealer(poolOf(dataSource), key, sealing.trustedKeys).seal();
        console.log(seal ? `Seal ${seal.sequence}: ${seal.events} events, root ${seal.root.toString('hex')}` : 'Nothing new to seal.');
      }),
    );
}

/** The configured key's public key, if there is a key (verifying never makes one), and the earlier keys. */
function trustedKeys(): Buffer[] {
  const { sealing } = loadConfig();
  const own = sealing.keyPem || existsSync(sealing.keyFile) ? [loadSealKey({ pem: sealing.keyPem, file: sealing.keyFile }).publicKey] : [];
  return [...own, ...sealing.trustedKeys];
}
