import pg from 'pg';
import copyStreams from 'pg-copy-streams';
const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/prof_verify' });
await client.connect();
const t = performance.now();
const stream = client.query(copyStreams.to(`COPY (SELECT global_position, stream_id, stream_version, type, schema_version, data::text, metadata::text, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), encode(previous_hash, 'hex'), encode(hash, 'hex'), encode(sha256('\\x00'::bytea || hash), 'hex'), transaction_id FROM events ORDER BY events.transaction_id, events.global_position) TO STDOUT`));
let rest: Buffer | undefined; let n = 0; let chars = 0;
for await (const chunk of stream as AsyncIterable<Buffer>) {
  const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
  const end = buf.lastIndexOf(10);
  if (end < 0) { rest = buf; continue; }
  const text = buf.toString('utf8', 0, end);
  rest = buf.subarray(end + 1);
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl < 0 ? undefined : nl);
    const fields = line.split('\t');
    n++; chars += fields[5].length;
    if (nl < 0) break;
    start = nl + 1;
  }
}
const s = (performance.now() - t) / 1000;
console.log(n, s.toFixed(1), Math.round(n / s));
await client.end();
