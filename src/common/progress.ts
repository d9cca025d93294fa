/** A progress bar on stderr, redrawn at most ten times a second: `[#####.....] 500 / 1000 events`. */
export function progressLine(total: number, unit = 'events'): (done: number) => void {
  let drawn = 0;
  return (done) => {
    const now = Date.now();
    if (now - drawn < 100 && done < total) return;
    drawn = now;
    const share = total ? Math.min(1, done / total) : 1;
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
    process.stderr.write(`\r[${bar}] ${done} / ${total} ${unit}`);
  };
}
