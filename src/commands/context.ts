import type { Output } from '../io/output.js';

/** What every command gets from src/cli.ts: output, environment, and whether it may prompt. */
export interface CommandContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  interactive: boolean;
  /** Resolves when the user asks to stop (SIGINT or SIGTERM). */
  stopSignal: AbortSignal;
}
