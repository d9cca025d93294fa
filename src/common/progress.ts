export interface ProgressLine {
  /** Redraws the line, at most ten times a second (and always when `done` reaches `total`). */
  draw(done: number, total?: number): void;
  /** Ends the line, if one was drawn. */
  end(): void;
}

/**
 * Progress of a long command on one line of stderr (or of `write`):
 * `[##########....................] Replayed 500 / 1500 events`, or without a total
 * `Exported 500 events`.
 */
export function progressLine(
  label: string,
  write: (text: string) => void = (text) => process.stderr.write(text),
  unit = 'events',
): ProgressLine {
  let drawn = 0;
  return {
    draw(done, total) {
      const now = Date.now();
      if (now - drawn < 100 && done !== total) return;
      drawn = now;
      if (total === undefined) return write(`\r${label} ${done} ${unit}`);
      const share = total ? Math.min(1, done / total) : 1;
      const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
      write(`\r[${bar}] ${label} ${done} / ${total} ${unit}`);
    },
    end() {
      if (drawn) write('\n');
      drawn = 0;
    },
  };
}

/**
 * A bar for work whose size is known in another measure than its count: an import reads rows,
 * and knows how far through the file it is. `[######........................] Read 12000 rows (20 %)`.
 */
export function progressBar(label: string, unit: string, write: (text: string) => void = (text) => process.stderr.write(text)) {
  let drawn = 0;
  return {
    draw(done: number, share: number) {
      const now = Date.now();
      if (now - drawn < 100 && share < 1) return;
      drawn = now;
      const bounded = Math.max(0, Math.min(1, share));
      const bar = '#'.repeat(Math.round(bounded * 30)).padEnd(30, '.');
      write(`\r[${bar}] ${label} ${done} ${unit} (${Math.floor(bounded * 100)} %)`);
    },
    end() {
      if (drawn) write('\n');
      drawn = 0;
    },
  };
}
