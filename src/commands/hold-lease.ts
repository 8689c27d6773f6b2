import { z } from 'zod';
import { acquireLease, type HeldLease } from '../core/run-lease.js';
import { WAIT_LOCK_DEFAULT } from './ci-options.js';
import type { CommandContext } from './context.js';
import { parseOptions } from './parse-options.js';
import type { Project } from './project.js';

/** How long a lease lives without renewal (a SIGKILLed run blocks the next one at most this long). */
export const LEASE_SECONDS = 60;

const schema = z.object({
  waitLock: z.coerce.number().min(0).max(86_400),
  ttl: z.coerce.number().int().min(2).max(3600),
});

/**
 * Takes the project's lease for a writing run (src/core/run-lease.ts), with progress on stderr.
 * TENANTS_LEASE_SECONDS changes the lease's lifetime (default 60 s; the tests use a few seconds).
 */
export async function holdLease(
  ctx: CommandContext,
  project: Pick<Project, 'port' | 'config'>,
  command: string,
  waitLock: string | undefined,
): Promise<HeldLease> {
  const options = parseOptions(schema, { waitLock: waitLock ?? WAIT_LOCK_DEFAULT, ttl: ctx.env['TENANTS_LEASE_SECONDS'] ?? LEASE_SECONDS });
  return acquireLease(
    { port: project.port, sleep: ctx.sleep, now: ctx.now, progress: (t) => ctx.out.message(ctx.out.color.dim(t)) },
    { audience: project.config.audience, command, waitSeconds: options.waitLock, ttlSeconds: options.ttl },
  );
}

/** Releases the lease; a failure (Auth0 unreachable) is left to the lease's expiry. */
export async function releaseLease(lease: HeldLease | undefined): Promise<void> {
  try {
    await lease?.release();
  } catch {
    // it expires on its own
  }
}
