import type { Client } from '../auth0/resources.js';

/**
 * When a tenant has more than one of our applications (two runs created it at once), every run keeps the
 * same one: the oldest by `client_metadata.tenants_created_at` (stamped at creation, ISO 8601; an
 * application without it, made by an earlier version, counts as older than any), then by `client_id`.
 * Auth0 gives applications no creation time, hence the stamp. A later creation can never sort first
 * (barring clock skew between the machines), so a run that lists after its own create sees the final survivor.
 */
export const CREATED_KEY = 'tenants_created_at';

const createdAt = (client: Client): string => {
  const value = client.client_metadata?.[CREATED_KEY];
  return typeof value === 'string' ? value : '';
};

/** Orders a tenant's applications survivor first: sort with it, then keep [0] and remove the rest. */
export const bySurvivorOrder = (a: Client, b: Client): number => createdAt(a).localeCompare(createdAt(b)) || a.client_id.localeCompare(b.client_id);

/** The creation body with its stamp (in client_metadata, beside our marker). */
export const withCreationStamp = (body: Record<string, unknown>, now: number): Record<string, unknown> => ({
  ...body,
  client_metadata: { ...(body['client_metadata'] as Record<string, unknown> | undefined), [CREATED_KEY]: new Date(now).toISOString() },
});
