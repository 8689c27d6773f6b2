import { spawn } from 'node:child_process';
import { BIN } from './cli.js';

export interface PtySession {
  /** Resolves once the screen has shown `text` (ANSI codes stripped). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  exited: Promise<number | null>;
  screen(): string;
}

/**
 * Runs the CLI in a real pseudo-terminal through util-linux `script`, so it sees a TTY on stdin and
 * stderr exactly as in a person's terminal; keys typed go through the terminal's line discipline.
 */
export function runInPty(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): PtySession {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, CI: '', TERM: 'xterm', NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  // eslint-disable-next-line no-control-regex -- terminal escape sequences are what this strips
  const clean = () => output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    async waitFor(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!clean().includes(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${clean()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    type(keys) {
      child.stdin.write(keys);
    },
    exited,
    screen: clean,
  };
}
