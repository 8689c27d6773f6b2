import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VerifierSettings } from '../../src/core/tenant-settings-schema.js';
import { verifyToken, type KeySource } from '../../src/core/verify-token.js';

const settings: VerifierSettings = {
  schemaVersion: 1,
  tenant: 'acme',
  issuer: 'https://tenant.example.com/',
  jwksUri: 'https://tenant.example.com/.well-known/jwks.json',
  audience: 'https://api.example.com',
  clientId: 'acme-client',
  clientIdClaim: 'azp',
  tenantClaim: 'https://saas.example.com/tenant',
  algorithms: ['RS256'],
  leewaySeconds: 30,
};
const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: settings.issuer,
  sub: 'auth0|1',
  aud: settings.audience,
  azp: settings.clientId,
  iat: now,
  exp: now + 3600,
  [settings.tenantClaim]: 'acme',
};
let valid: string;
let keys: KeySource;
let foreignKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  keys = { keys: async () => [jwk], refresh: async () => [jwk] };
  valid = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(pair.privateKey);
  foreignKey = (await generateKeyPair('RS256')).privateKey;
});

const verify = (token: string) => verifyToken(token, settings, keys, now);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.= \n{}"';

describe('verify-token never crashes and never accepts what it should not', () => {
  it('accepts the untouched token (the properties below are not vacuous)', async () => {
    expect((await verify(valid)).valid).toBe(true);
  });

  it('rejects every single-character mutation of a valid token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...ALPHABET), async (position, char) => {
        const i = position % valid.length;
        fc.pre(valid[i] !== char);
        const verdict = await verify(valid.slice(0, i) + char + valid.slice(i + 1));
        expect(verdict.valid).toBe(false);
        expect(verdict.code).not.toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects truncations, splices and random strings without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.stringMatching(/^[A-Za-z0-9_-]{0,60}(\.[A-Za-z0-9_-]{0,60}){0,5}$/),
          fc.nat().map((n) => valid.slice(0, n % valid.length)),
          fc.tuple(fc.nat(), fc.string({ maxLength: 40 })).map(([n, s]) => valid.slice(0, n % valid.length) + s + valid.slice(n % valid.length)),
        ),
        async (token) => {
          fc.pre(token.trim() !== valid);
          const verdict = await verify(token);
          expect(verdict.valid).toBe(false);
          expect(verdict.checks).toHaveLength(10);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('rejects tokens with arbitrary claims signed by a key that is not published', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
        fc.boolean(),
        async (extra, withGoodClaims) => {
          const payload = withGoodClaims ? { ...claims, ...extra, ...claims } : extra;
          const token = await new SignJWT(payload as Record<string, unknown>).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(foreignKey);
          expect((await verify(token)).valid).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects arbitrary headers put in front of a valid payload and signature', async () => {
    const [, payload, signature] = valid.split('.');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 5 }), async (header) => {
        const encoded = Buffer.from(JSON.stringify(header)).toString('base64url');
        fc.pre(encoded !== valid.split('.')[0]);
        expect((await verify(`${encoded}.${payload}.${signature}`)).valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
