/**
 * `auth0-tenants/express`: Express middleware that lets through only access tokens of one tenant.
 *
 *   import express from 'express';
 *   import { requireTenant } from 'auth0-tenants/express';
 *   const app = express();
 *   app.get('/orders', requireTenant('tenants/acme/tenant.json'), (req, res) => res.json({ user: req.auth.payload.sub }));
 *
 * 401 with `WWW-Authenticate: Bearer error="invalid_token", error_description="<code>: <message>"` (RFC 6750)
 * and a JSON body `{error, code, message, hint}`; a request without bearer credentials gets a bare
 * `WWW-Authenticate: Bearer` challenge. 503 when the key set cannot be fetched. The same verdicts as
 * `tenants verify-token` and tenant_auth.py.
 */
import { TenantsError } from '../core/tenants-error.js';
import type { VerifierSettings } from '../core/tenant-settings-schema.js';
import type { Verdict } from '../core/verify-token.js';
import { createVerifier, type Verifier, type VerifierOptions } from './create-verifier.js';

/** What the middleware puts on the request (the shape of Auth0's express-oauth2-jwt-bearer). */
export interface TenantAuth {
  payload: Record<string, unknown>;
  header: Record<string, unknown>;
  token: string;
  tenant: string;
}

declare global {
  namespace Express {
    /** Set by requireTenant on the requests it lets through. */
    interface Request {
      auth?: TenantAuth;
    }
  }
}

/** The parts of Express's request, response and next the middleware uses (no type dependency on express). */
export interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  auth?: TenantAuth;
}
export interface ResponseLike {
  status(code: number): ResponseLike;
  set(field: string, value: string): ResponseLike;
  json(body: unknown): unknown;
}
export type Next = (error?: unknown) => void;

/** RFC 6750's error_description: printable ASCII without '"' or '\' (others as U+XXXX), kept short; as tenant_auth.py. */
export function quoteErrorDescription(text: string, limit = 300): string {
  let out = '';
  for (const char of text.slice(0, limit)) {
    const code = char.codePointAt(0)!;
    out += char === '"' ? "'" : char === '\\' ? '/' : code >= 0x20 && code < 0x7f ? char : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return text.length > limit ? `${out}...` : out;
}

export function requireTenant(
  settings: VerifierSettings | string | Verifier,
  options: VerifierOptions = {},
): (req: RequestLike, res: ResponseLike, next: Next) => Promise<void> {
  const verifier = typeof settings === 'object' && 'verify' in settings ? settings : createVerifier(settings, options);
  return async (req, res, next) => {
    const raw = req.headers['authorization'];
    const header = Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? '');
    if (!/^bearer$/i.test(header.replace(/^[ \t]+/, '').split(/[ \t]/)[0] ?? '')) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({ error: 'invalid_request', code: 'missing_token', message: 'The request has no Authorization: Bearer header.' });
      return;
    }
    let verdict: Verdict;
    try {
      verdict = await verifier.verify(header);
    } catch (error) {
      if (error instanceof TenantsError && error.code === 'jwks_unreachable') {
        res.status(503).set('Retry-After', '30').json({ error: 'temporarily_unavailable', message: 'The token signing keys are unavailable.' });
        return;
      }
      next(error);
      return;
    }
    if (!verdict.valid) {
      res
        .status(401)
        .set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${quoteErrorDescription(`${verdict.code}: ${verdict.message}`)}"`)
        .json({ error: 'invalid_token', code: verdict.code, message: verdict.message, hint: verdict.hint });
      return;
    }
    req.auth = { payload: verdict.claims, header: verdict.header, token: header.trim().replace(/^bearer[ \t]+/i, ''), tenant: verdict.tenant };
    next();
  };
}
