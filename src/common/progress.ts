export interface ProgressLine {
  /** Redraws the line, at most ten times a second (and always when `done` reaches `total`). */
  draw(done: number, total?: number): void;
  /** Ends the line, if one was drawn. */
  end(): void;
}

type Write = (text: string) => void;
const toStderr: Write = (text) => process.stderr.write(text);

/**
 * Progress of a long command on one line of stderr (or of `write`):
 * `[##########....................] Replayed 500 / 1500 events`, or without a total
 * `Exported 500 events`.
 */
export function progressLine(label: string, write: Write = toStderr): ProgressLine {
  const line = redrawnLine(write);
  return {
    draw(done, total) {
      if (total === undefined) return line.draw(`${label} ${done} events`, false);
      line.draw(`${bar(total ? done / total : 1)} ${label} ${done} / ${total} events`, done === total);
    },
    end: line.end,
  };
}

/**
 * A bar for work whose size is known in another measure than its count: an import reads rows,
 * and knows how far through the file it is. `[######........................] Read 12000 rows (20 %)`.
 */
export function progressBar(label: string, unit: string, write: Write = toStderr) {
  const line = redrawnLine(write);
  return {
    draw(done: number, share: number) {
      line.draw(`${bar(share)} ${label} ${done} ${unit} (${Math.floor(bounded(share) * 100)} %)`, share >= 1);
    },
    end: line.end,
  };
}

/** One line, redrawn in place at most ten times a second, and always for the last time. */
function redrawnLine(write: Write) {
  let drawn = 0;
  return {
    draw(text: string, last: boolean) {
      const now = Date.now();
      if (now - drawn < 100 && !last) return;
      drawn = now;
      write(`\r${text}`);
    },
    end() {
      if (drawn) write('\n');
      drawn = 0;
    },
  };
}

const bounded = (share: number) => Math.max(0, Math.min(1, share));
const bar = (share: number) => `[${'#'.repeat(Math.round(bounded(share) * 30)).padEnd(30, '.')}]`;
