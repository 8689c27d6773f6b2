import { PassThrough } from 'node:stream';
import { buildProgram } from '../../src/cli.js';
import type { CommandContext } from '../../src/commands/context.js';
import { Output } from '../../src/io/output.js';
import type { Prompter } from '../../src/io/prompter.js';
import { FakePort } from './fake-port.js';

export interface FakeRun {
  stdout: string;
  stderr: string;
  error: unknown;
  prompts: string[];
}

/** A clock a test controls: `sleep` moves `now` ahead at once instead of waiting. */
export interface TestClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Real time plus what was slept: give the same clock to the emulator (`now`) and to the command (`clock`), and
 * every wait of the command (polls, backoffs, the pacer) lets the emulator's lags pass at once.
 */
export function skippingClock(): TestClock {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    sleep: async (ms) => {
      skipped += Math.max(0, ms);
    },
  };
}

/**
 * Runs a command in-process with a fake context: captured stdout/stderr, scripted prompt answers and
 * an in-memory Management port (or `management`, e.g. the SDK against an in-process emulator), on a clock that
 * never waits (or `clock`). Errors come back as values (tests assert on their codes).
 */
export async function runWithFakeContext(
  args: string[],
  options: {
    cwd: string;
    port?: FakePort;
    management?: CommandContext['management'];
    clock?: TestClock;
    answers?: string[];
    interactive?: boolean;
    env?: NodeJS.ProcessEnv;
    stdin?: string;
  },
): Promise<FakeRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const prompts: string[] = [];
  const answers = [...(options.answers ?? [])];
  const prompter: Prompter = {
    input: async (q) => {
      prompts.push(q.message);
      return answers.shift() || q.default || ''; // an empty answer takes the default, as at the terminal
    },
    confirm: async (q) => {
      prompts.push(q.message);
      return answers.shift() === 'y';
    },
  };
  const port = options.port ?? new FakePort();
  let output: Output | undefined;
  const context = (): CommandContext => ({
    out: (output ??= new Output({ json: args.includes('--json'), color: false, stdout, stderr })),
    env: { AUTH0_DOMAIN: 'acme.eu.auth0.com', AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'fake-secret', ...options.env },
    cwd: options.cwd,
    interactive: options.interactive ?? false,
    prompter,
    management: options.management ?? (async () => port),
    sleep: options.clock?.sleep ?? (async () => undefined),
    now: options.clock?.now ?? (() => 0),
    gracefulStop: () => new AbortController().signal,
  });
  let error: unknown;
  try {
    await buildProgram(context, async () => options.stdin ?? '').parseAsync(args, { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { stdout: out, stderr: err, error, prompts };
}
