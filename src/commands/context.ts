import type { ManagementPort } from '../auth0/management-port.js';
import type { RequestPacer } from '../auth0/request-pacer.js';
import type { Credentials } from '../core/credentials.js';
import type { Output } from '../io/output.js';
import type { Prompter } from '../io/prompter.js';

/** What every command gets from src/cli.ts. Tests build one with fakes (test/helpers/fake-context.ts). */
export interface CommandContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True only on a terminal, without --no-input, --json or CI. */
  interactive: boolean;
  prompter: Prompter;
  /** Opens the Management API (lazily imports the SDK), paced by `pacer`. */
  management: (credentials: Credentials, pacer: RequestPacer) => Promise<ManagementPort>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /**
   * For commands that stop gracefully: from this call on, SIGINT/SIGTERM abort the returned signal
   * instead of ending the process at once (every write is atomic and idempotent, so ending at once is
   * safe for the others; a re-run converges).
   */
  gracefulStop(): AbortSignal;
}
