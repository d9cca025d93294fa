import pg from 'pg';
import { hashedColumns } from '../src/event-store/event-hash.js';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/prof_verify', max: 4 });
const cols = process.env.COLS ?? `${hashedColumns({ jsonText: true })}, transaction_id::text AS transaction_text, sha256('\\x00'::bytea || hash) AS leaf_hash`;
const t = performance.now();
let after = ['0', 0]; let n = 0;
let next = pool.query(`SELECT ${cols}, transaction_id::text AS tt FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) ORDER BY events.transaction_id, events.global_position LIMIT 5000`, after);
for (;;) {
  const { rows } = await next; n += rows.length;
  if (rows.length < 5000) break;
  const l = rows[rows.length - 1];
  next = pool.query(`SELECT ${cols}, transaction_id::text AS tt FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) ORDER BY events.transaction_id, events.global_position LIMIT 5000`, [l.tt, l.global_position]);
}
const s = (performance.now() - t) / 1000;
console.log(n, s.toFixed(1), Math.round(n / s));
await pool.end();
