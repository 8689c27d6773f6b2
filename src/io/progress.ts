export interface Progress {
  update(done: number, total: number, failed: number): void;
  /** A line of its own (e.g. waiting for Auth0's user search), without breaking the bar. */
  note(text: string): void;
  end(): void;
}

/**
 * Progress on stderr for long runs: a bar redrawn in place on a terminal, otherwise a line every 10%
 * (or every 5 s), so CI logs stay readable.
 */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string, now: () => number = Date.now): Progress {
  let lastLine = 0;
  let lastBucket = -1;
  let drawn = false;
  return {
    update(done, total, failed) {
      if (total === 0) return;
      const failures = failed ? `, ${failed} failed` : '';
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round((done / total) * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${failures}\u001b[K`);
        drawn = true;
        return;
      }
      const bucket = Math.floor((done / total) * 10);
      if (bucket !== lastBucket || now() - lastLine > 5000 || done === total) {
        if (bucket === lastBucket && done !== total && now() - lastLine <= 5000) return;
        lastBucket = bucket;
        lastLine = now();
        stream.write(`${label}: ${done}/${total} (${Math.round((done / total) * 100)}%)${failures}\n`);
      }
    },
    note(text) {
      stream.write(`${drawn ? '\r\u001b[K' : ''}${text}\n`);
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
