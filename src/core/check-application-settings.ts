import type { UsageCode } from './error-catalogue.js';
import type { Body } from '../auth0/management-port.js';
import { TenantsError } from './tenants-error.js';

/** Auth0's pattern for an application name (the published Management API spec: `^[^<>]+$`). */
const APPLICATION_NAME = /^[^<>]+$/;
const URL_FIELDS = { callbacks: 'callbacks', allowed_logout_urls: 'logoutUrls', web_origins: 'webOrigins' } as const;
const LOOPBACK = new Set(['localhost', '127.0.0.1']);

/**
 * Refuses, before anything is sent, an application Auth0 would refuse or that would be unsafe on a
 * shared tenant: a name outside Auth0's pattern; a callback, logout URL or web origin that is not https
 * (http only on localhost and 127.0.0.1), uses another scheme (javascript:, data:, ...) or carries a
 * wildcard (only with `allowWildcards`, then reported as a warning). Returns the warnings.
 */
export function checkApplicationSettings(body: Body, tenant: string, source: string, allowWildcards: boolean): string[] {
  const warnings: string[] = [];
  const name = String(body['name'] ?? '');
  if (name.length === 0 || !APPLICATION_NAME.test(name) || name.length > 100) {
    throw refuse(
      `The application name ${JSON.stringify(name)} for tenant ${tenant} is not one Auth0 accepts (1 to 100 characters, no < or >).`,
      `Fix application.name (or the manifest's name) in ${source}.`,
      'invalid_application_name',
    );
  }
  for (const [field, key] of Object.entries(URL_FIELDS)) {
    for (const value of (body[field] as string[] | undefined) ?? []) {
      const problem = urlProblem(value, field === 'web_origins');
      if (problem) {
        throw refuse(
          `${key} of tenant ${tenant}: ${JSON.stringify(value)} ${problem}.`,
          `Fix application.${key} in ${source}: https URLs only (http only on localhost or 127.0.0.1), no other schemes.`,
          'invalid_url',
        );
      }
      if (value.includes('*')) {
        if (!allowWildcards) {
          throw refuse(
            `${key} of tenant ${tenant}: ${JSON.stringify(value)} carries a wildcard, which lets other hosts receive your users' codes.`,
            `Name each URL in application.${key} of ${source}, or pass --allow-wildcards if you mean it.`,
            'wildcard_url',
          );
        }
        warnings.push(`${key} of tenant ${tenant} allows the wildcard URL ${value} (--allow-wildcards).`);
      }
    }
  }
  return warnings;
}

function urlProblem(value: string, origin: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value.replace(/\*/g, 'wildcard'));
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname) ? undefined : 'is http: only https is allowed (http only on localhost and 127.0.0.1)';
  if (url.protocol !== 'https:') return `uses the ${url.protocol} scheme: only https is allowed`;
  if (url.username || url.password) return 'carries credentials';
  if (origin && (url.pathname !== '/' || url.search || url.hash)) return 'is not an origin (scheme, host and port only)';
  return undefined;
}

const refuse = (message: string, hint: string, code: UsageCode): TenantsError => new TenantsError('usage', code, `${message} Nothing was sent.`, { hint });
