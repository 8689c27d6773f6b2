import { readFileSync } from 'node:fs';
import type { KeySource } from '../core/verify-token.js';
import { TenantsError } from '../core/tenants-error.js';
import { MAX_JSON_DEPTH } from '../core/token-parts.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

export interface JwksSourceOptions {
  fetch?: typeof fetch;
  /** Fetch the key set again after this long (default: never, right for one command run). */
  maxAgeMs?: number;
  /** At most one refetch on an unknown kid per this long (default: one refetch ever, right for one command run). */
  refreshCooldownMs?: number;
  now?: () => number;
}

/**
 * The key set `verify-token` trusts: the configured JWKS URL (https, or http on a loopback host only) or
 * a local file (works offline). Never a URL taken from the token (jku, x5u). A URL is fetched once and
 * refetched on an unknown kid (once per run, or once per `refreshCooldownMs` in a server); an unreachable
 * one is an error (exit 1, or 503 from the middleware), not a verdict, and is tried again on the next call.
 */
export function jwksSource(location: string, options: JwksSourceOptions = {}): KeySource {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    const keys = parse(readLocal(location), location, 'usage');
    return { keys: async () => keys };
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new TenantsError('usage', 'invalid_jwks', `${location} is not a URL.`, { hint: 'Give an https URL or a file path.' });
  }
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname)))) {
    throw new TenantsError('usage', 'insecure_jwks_uri', `Refusing to fetch keys from ${location}: only https (or http on a loopback host) is trusted.`, {
      hint: 'Use the https JWKS URL of your Auth0 domain, or --jwks <file>.',
    });
  }
  const load = async (): Promise<unknown[]> => {
    let response: Response;
    try {
      response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new TenantsError('auth0', 'jwks_unreachable', `Could not fetch the key set from ${location}: ${cause}.`, {
        hint: 'Check the network, or pass --jwks <file> to verify offline. For the local emulator, export NODE_EXTRA_CA_CERTS.',
      });
    }
    if (!response.ok) {
      throw new TenantsError('auth0', 'jwks_unreachable', `The key set at ${location} answered ${response.status}.`, { hint: 'Check jwksUri in tenant.json.' });
    }
    return parse(await response.text(), location);
  };
  let cached: { at: number; keys: Promise<unknown[]> } | undefined;
  let lastRefresh: number | undefined;
  const fresh = () => {
    const entry = { at: now(), keys: load() };
    entry.keys.catch(() => {
      if (cached === entry) cached = undefined; // not cached: the next call tries again
    });
    cached = entry;
    return entry.keys;
  };
  const maxAge = options.maxAgeMs ?? Infinity;
  const cooldown = options.refreshCooldownMs ?? Infinity;
  return {
    keys: () => (cached && now() - cached.at <= maxAge ? cached.keys : fresh()),
    refresh: () => {
      if (cached && lastRefresh !== undefined && now() - lastRefresh < cooldown) return cached.keys;
      lastRefresh = now();
      return fresh();
    },
  };
}

/** How deeply objects and arrays nest in a parsed value (tenant_auth.py measures the same), stopping past the limit. */
function depth(value: unknown, level = 0): number {
  if (value === null || typeof value !== 'object' || level > MAX_JSON_DEPTH) return level;
  let deepest = level + 1;
  for (const item of Object.values(value)) deepest = Math.max(deepest, depth(item, level + 1));
  return deepest;
}

function readLocal(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TenantsError('usage', 'invalid_jwks', `Cannot read ${path}: ${(error as Error).message}.`, { hint: 'Pass a JWKS file or URL to --jwks.' });
  }
}

/** A JWKS is a JSON object whose `keys` is an array; its entries are checked key by key when used (usableJwk). */
function parse(text: string, location: string, kind: 'auth0' | 'usage' = 'auth0'): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badKeySet(kind, `The key set at ${location} is not JSON.`);
  }
  const keys = json !== null && typeof json === 'object' ? (json as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || depth(json) > MAX_JSON_DEPTH) throw badKeySet(kind, `${location} is not a JWKS ({"keys": [...]}).`);
  return keys;
}

/** A key set that is not one: bad input for a file (exit 2), an unreachable key set for a URL. */
function badKeySet(kind: 'usage' | 'auth0', message: string): TenantsError {
  const options = { hint: 'Check jwksUri in tenant.json.' };
  return kind === 'usage' ? new TenantsError('usage', 'invalid_jwks', message, options) : new TenantsError('auth0', 'jwks_unreachable', message, options);
}
