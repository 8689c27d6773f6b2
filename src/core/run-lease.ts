import { hostname, userInfo } from 'node:os';
import type { ManagementPort } from '../auth0/management-port.js';
import type { ResourceServer } from '../auth0/resources.js';
import { TenantsError } from './tenants-error.js';

/**
 * The lease a writing run holds in Auth0 itself, so that two runs (two pipelines, a retried job, an operator
 * beside a pipeline) never write at the same time. It is an API (a resource server) whose `identifier` is a
 * fixed URN of ours: `POST /resource-servers` is atomic and answers 409 when the identifier exists, so exactly
 * one run creates it. Its `name` (stored as given) carries the holder and the expiry; the holder renews it
 * every third of its lifetime and deletes it at the end. A run killed with SIGKILL leaves it behind: once
 * its expiry has passed, the next run deletes it by its `id` (a later lease has another id, so a late delete
 * never removes a newer holder's lease) and creates its own. Costs one API entity while a run writes.
 */
export const LEASE_PREFIX = 'urn:auth0-tenants:lease:';
const NAME_PREFIX = 'auth0-tenants lease until ';

/** The lease's identifier for a project: one per shared API (projects on one Auth0 tenant do not block each other). */
export const leaseIdentifier = (audience: string): string => `${LEASE_PREFIX}${audience}`.slice(0, 600);

export interface LeaseDeps {
  port: ManagementPort;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Progress while waiting, on stderr. */
  progress: (text: string) => void;
}

export interface LeaseOptions {
  audience: string;
  /** What holds it, e.g. "sync", shown to the runs that wait. */
  command: string;
  /** How long to wait for another holder before refusing (0: refuse at once). */
  waitSeconds: number;
  /** The lease's lifetime without renewal: how long a killed run blocks the next one at most. */
  ttlSeconds: number;
  /** Poll interval while waiting. */
  pollMs?: number;
}

export interface HeldLease {
  id: string;
  holder: string;
  /** Requests spent on the lease (create, polls, renewals, delete). */
  readonly requests: number;
  /** How long this run waited for another holder, in ms. */
  waitedMs: number;
  /** Set when a renewal found the lease gone or taken over (the run goes on: duplicates still converge). */
  lost: boolean;
  /** Deletes the lease (once; later calls do nothing). */
  release(): Promise<void>;
}

interface LeaseRecord {
  id: string;
  expiresAt: number;
  holder: string;
}

/** Reads a lease resource server written by us; undefined when the object at our URN was not made by us. */
export function parseLease(rs: ResourceServer): LeaseRecord | undefined {
  const name = rs.name ?? '';
  const match = /^auth0-tenants lease until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) by (.+)$/.exec(name);
  if (!rs.identifier.startsWith(LEASE_PREFIX) || !match) return undefined;
  const expiresAt = Date.parse(match[1]!);
  return Number.isFinite(expiresAt) ? { id: rs.id, expiresAt, holder: match[2]! } : undefined;
}

/** Auth0's name pattern for an API: 1 to 200 characters without `<` or `>`. */
const leaseName = (expiresAt: number, holder: string): string =>
  `${NAME_PREFIX}${new Date(expiresAt).toISOString()} by ${holder}`.replace(/[<>]/g, '').slice(0, 200);

function describeHolder(command: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no user name (some containers)
  }
  const ci = process.env['GITHUB_RUN_ID'] ? ` run ${process.env['GITHUB_RUN_ID']}` : '';
  return `tenants ${command}, ${user}@${hostname()} pid ${process.pid}${ci}`;
}

const statusOf = (error: unknown): number | undefined => (error instanceof TenantsError ? (error.details?.['statusCode'] as number | undefined) : undefined);

/**
 * Takes the lease, waiting (bounded, with progress) while another live run holds it; refuses with
 * `lease_held` (exit 5), naming the holder and its expiry, once `waitSeconds` have passed.
 */
export async function acquireLease(deps: LeaseDeps, options: LeaseOptions): Promise<HeldLease> {
  const identifier = leaseIdentifier(options.audience);
  const holder = describeHolder(options.command);
  const ttlMs = options.ttlSeconds * 1000;
  const pollMs = options.pollMs ?? Math.min(2000, Math.max(250, ttlMs / 10));
  let requests = 0;
  const started = deps.now();
  let lastNote = -Infinity;
  let held: LeaseRecord | undefined;
  for (;;) {
    try {
      requests++;
      const rs = await deps.port.createResourceServer({ identifier, name: leaseName(deps.now() + ttlMs, holder) });
      held = { id: rs.id, expiresAt: deps.now() + ttlMs, holder };
      break;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    // Someone holds it: read it (until it is gone or expired), then try to create it again.
    for (;;) {
      requests++;
      const rs = await deps.port.findResourceServer(identifier);
      if (!rs) break;
      const other = parseLease(rs);
      if (!other) {
        throw new TenantsError(
          'usage',
          'lease_not_ours',
          `An API with our lease identifier ${identifier} exists but was not made by tenants ("${rs.name ?? ''}", ${rs.id}); nothing was changed.`,
          {
            hint: 'Delete or rename that API if it is a leftover; tenants never touches it.',
          },
        );
      }
      const waited = deps.now() - started;
      if (other.expiresAt <= deps.now()) {
        deps.progress(`The lease held by ${other.holder} expired at ${new Date(other.expiresAt).toISOString()}; taking it over.`);
        requests++;
        await deps.port.deleteResourceServer(other.id);
        break;
      }
      if (waited >= options.waitSeconds * 1000) {
        throw new TenantsError(
          'locked',
          'lease_held',
          `Another run holds the lease on this project: ${other.holder}, until ${new Date(other.expiresAt).toISOString()} (renewed while it runs)${options.waitSeconds > 0 ? `; waited ${Math.round(waited / 1000)} s` : ''}. Nothing was changed.`,
          {
            hint: `Re-run when it has finished, or wait for it with --wait-lock <seconds>. A run killed without cleaning up stops blocking at its expiry (at most ${options.ttlSeconds} s after its last renewal).`,
            details: { holder: other.holder, expiresAt: new Date(other.expiresAt).toISOString(), leaseId: other.id },
          },
        );
      }
      if (waited - lastNote >= 10_000 || lastNote === -Infinity) {
        lastNote = waited;
        deps.progress(
          `Waiting for the lease held by ${other.holder} (expires ${new Date(other.expiresAt).toISOString()}; waited ${Math.round(waited / 1000)} s of ${options.waitSeconds} s)...`,
        );
      }
      await deps.sleep(pollMs);
    }
  }

  const record = held;
  const lease: HeldLease = {
    id: record.id,
    holder,
    waitedMs: deps.now() - started,
    lost: false,
    get requests() {
      return requests;
    },
    release: async () => {
      clearInterval(timer);
      if (lease.lost || released) return;
      released = true;
      requests++;
      await deps.port.deleteResourceServer(record.id);
    },
  };
  let renewing = false;
  let released = false;
  const timer = setInterval(
    () => {
      if (renewing || lease.lost) return;
      renewing = true;
      requests++;
      deps.port
        .updateResourceServer(record.id, { name: leaseName(deps.now() + ttlMs, holder) })
        .catch((error: unknown) => {
          if (statusOf(error) === 404) {
            lease.lost = true;
            deps.progress('Warning: the lease expired and was taken over by another run; duplicates are converged at the end of this run.');
          }
        })
        .finally(() => (renewing = false));
    },
    Math.max(100, ttlMs / 3),
  );
  timer.unref();
  return lease;
}
