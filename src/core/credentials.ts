import { z } from 'zod';
import { TenantsError } from './tenants-error.js';

export type Credentials = { domain: string; clientId: string; clientSecret: string } | { domain: string; token: string };

const domain = z.string().regex(/^[A-Za-z0-9.-]+(?::\d{1,5})?$/);

/**
 * Management API credentials, from the environment only, under the names auth0-deploy-cli and the
 * Terraform provider use. Never from flags (they end up in shell history and process lists).
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv, fallbackDomain?: string): Credentials {
  const rawDomain = env['AUTH0_DOMAIN'] || fallbackDomain;
  if (!rawDomain) {
    throw new TenantsError('credentials', 'missing_credentials', 'AUTH0_DOMAIN is not set.', {
      hint: 'Export AUTH0_DOMAIN, and AUTH0_CLIENT_ID with AUTH0_CLIENT_SECRET (or AUTH0_ACCESS_TOKEN), of an M2M application authorised for the Management API.',
    });
  }
  const cleaned = rawDomain.replace(/^https:\/\//, '').replace(/\/+$/, '');
  if (!domain.safeParse(cleaned).success) {
    throw new TenantsError('usage', 'invalid_domain', `AUTH0_DOMAIN ${JSON.stringify(rawDomain)} is not a host name.`, {
      hint: 'Use the bare domain, e.g. AUTH0_DOMAIN=acme.eu.auth0.com',
    });
  }
  const configured = fallbackDomain?.replace(/^https:\/\//, '').replace(/\/+$/, '');
  if (env['AUTH0_DOMAIN'] && configured && configured.toLowerCase() !== cleaned.toLowerCase()) {
    throw new TenantsError(
      'usage',
      'domain_mismatch',
      `AUTH0_DOMAIN is ${cleaned} but tenants.config.json's domain is ${configured}: that is another Auth0 tenant; nothing was sent.`,
      {
        hint: `Export AUTH0_DOMAIN=${configured} (with that tenant's credentials), or unset AUTH0_DOMAIN, or use the config of ${cleaned} (--config).`,
        details: { env: cleaned, config: configured },
      },
    );
  }
  const token = env['AUTH0_ACCESS_TOKEN'];
  if (token) return { domain: cleaned, token };
  const clientId = env['AUTH0_CLIENT_ID'];
  const clientSecret = env['AUTH0_CLIENT_SECRET'];
  if (clientId && clientSecret) return { domain: cleaned, clientId, clientSecret };
  throw new TenantsError(
    'credentials',
    'missing_credentials',
    `Management API credentials are not set (${clientId ? 'AUTH0_CLIENT_SECRET' : 'AUTH0_CLIENT_ID'} is missing).`,
    {
      hint: 'Export AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET of an M2M application authorised for the Management API, or AUTH0_ACCESS_TOKEN.',
    },
  );
}
