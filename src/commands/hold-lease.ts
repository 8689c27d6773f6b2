import { z } from 'zod';
import { acquireLease, type HeldLease } from '../core/run-lease.js';
import { WAIT_LOCK_DEFAULT } from './ci-options.js';
import type { CommandContext } from './context.js';
import { usageError } from '../core/tenants-error.js';
import type { Project } from './project.js';

/** How long a lease lives without renewal (a SIGKILLed run blocks the next one at most this long). */
export const LEASE_SECONDS = 60;

const lifetime = z.coerce.number().int().min(2).max(3600);

/**
 * Takes the project's lease for a writing run (src/core/run-lease.ts), with progress on stderr.
 * TENANTS_LEASE_SECONDS changes the lease's lifetime (default 60 s; the tests use a few seconds).
 */
export async function holdLease(
  ctx: CommandContext,
  project: Pick<Project, 'port' | 'config'>,
  command: string,
  waitLock: number | undefined,
): Promise<HeldLease> {
  const ttl = lifetime.safeParse(ctx.env['TENANTS_LEASE_SECONDS'] ?? LEASE_SECONDS);
  if (!ttl.success) {
    throw usageError(
      'invalid_option',
      `TENANTS_LEASE_SECONDS must be a whole number of seconds from 2 to 3600; it is "${ctx.env['TENANTS_LEASE_SECONDS']}".`,
      'Unset it (60 s) or give e.g. TENANTS_LEASE_SECONDS=120.',
    );
  }
  return acquireLease(
    { port: project.port, sleep: ctx.sleep, now: ctx.now, progress: (t) => ctx.out.message(ctx.out.color.dim(t)) },
    { audience: project.config.audience, command, waitSeconds: waitLock ?? WAIT_LOCK_DEFAULT, ttlSeconds: ttl.data },
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
