// A progress bar for long verifications: drawn on stderr only when it is a
// terminal (and not in CI), so pipes and CI logs stay clean and machine-readable.

export interface Progress {
  update(done: number, total: number, label: string): void;
  finish(): void;
}

const NONE: Progress = { update: () => undefined, finish: () => undefined };

export function makeProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env['CI']) return NONE;
  let drawn = false;
  let last = 0;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (now - last < 50 && done < total) return;
      last = now;
      const width = 28;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const text = ` ${bar} ${done}/${total} checks  ${label}`.slice(0, (stream.columns ?? 80) - 1);
      stream.write(`\r${text}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
