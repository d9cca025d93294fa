import pg from 'pg';
import { verifyLog } from '../src/audit/tamper-evidence/verify.js';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/prof_verify', max: 4 });
const { rows: k } = await pool.query('SELECT public_key FROM audit_seals LIMIT 1');
const t = performance.now();
const r = await verifyLog(pool, { trustedKeys: [k[0].public_key], pageSize: Number(process.env.PAGE ?? 5000) });
const s = (performance.now() - t) / 1000;
console.log(r.ok, r.events, r.findings.slice(0, 2), s.toFixed(1), 's', Math.round(r.events / s), 'events/s');
await pool.end();
