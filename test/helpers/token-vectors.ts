import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { OAuth2Server } from 'oauth2-mock-server';
import type { RejectionCode } from '../../src/core/verify-token.js';

export interface Vector {
  name: string;
  token: string;
  expected: RejectionCode | null;
}
export interface VectorGroup {
  settingsFile: string;
  vectors: Vector[];
}

/**
 * Token vectors minted by an independent OAuth server (oauth2-mock-server, not our emulator) plus a few
 * made by hand, for a hand-written tenant.json. The JWKS is served by a small loopback server that
 * publishes the second ("rotated") key only from its second fetch on, so the refetch on an unknown kid
 * is exercised; `resetRotation()` starts that over for the next verifier.
 */
export async function makeVectors(dir: string): Promise<{ groups: VectorGroup[]; resetRotation: () => void; close: () => Promise<void> }> {
  const issuerServer = new OAuth2Server();
  const first = await issuerServer.issuer.keys.generate('RS256');
  const rotated = await issuerServer.issuer.keys.generate('RS256');
  await issuerServer.start(0, '127.0.0.1');
  const issuer = issuerServer.issuer.url!;

  let fetches = 0;
  const publicKeys = issuerServer.issuer.keys.toJSON();
  const jwksServer: Server = createServer((req, res) => {
    fetches += 1;
    const keys = fetches === 1 ? publicKeys.filter((k) => k.kid !== rotated.kid) : publicKeys;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;

  const base = { tenant: 'acme', audience: 'https://api.saas.example.com', clientId: 'acme-client-id', claim: 'https://saas.example.com/tenant' };
  const settings = (clientIdClaim: 'azp' | 'client_id') => ({
    schemaVersion: 1,
    tenant: base.tenant,
    issuer,
    jwksUri,
    audience: base.audience,
    clientId: base.clientId,
    clientIdClaim,
    tenantClaim: base.claim,
    algorithms: ['RS256'],
    leewaySeconds: 30,
  });
  const azpFile = join(dir, 'acme-azp.json');
  const rfcFile = join(dir, 'acme-rfc9068.json');
  writeFileSync(azpFile, JSON.stringify(settings('azp')));
  writeFileSync(rfcFile, JSON.stringify(settings('client_id')));

  const now = Math.floor(Date.now() / 1000);
  const good = {
    iss: issuer,
    sub: 'auth0|user1',
    aud: [base.audience, `${issuer}/userinfo`],
    azp: base.clientId,
    scope: 'openid profile',
    [base.claim]: base.tenant,
  };
  const mint = (claims: Record<string, unknown>, options: { kid?: string; drop?: string[] } = {}) =>
    issuerServer.issuer.buildToken({
      kid: options.kid ?? first.kid,
      scopesOrTransform: (_header, payload) => {
        for (const key of Object.keys(payload)) if (!['iat', 'exp', 'nbf'].includes(key)) delete (payload as Record<string, unknown>)[key];
        Object.assign(payload, { iat: now, exp: now + 3600 }, claims);
        for (const key of options.drop ?? []) delete (payload as Record<string, unknown>)[key];
        if (!('nbf' in claims)) delete (payload as Record<string, unknown>)['nbf'];
      },
    });
  const valid = await mint(good);
  const [h, p, s] = valid.split('.') as [string, string, string];
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const foreign = await generateKeyPair('RS256');
  const hs = await new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: first.kid }).sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
  const stranger = await new SignJWT(good).setProtectedHeader({ alg: 'RS256', kid: 'someone-else' }).sign(foreign.privateKey);
  const impostor = await new SignJWT(good).setProtectedHeader({ alg: 'RS256', kid: first.kid }).sign(foreign.privateKey);

  const vectors: Vector[] = [
    { name: 'valid', token: valid, expected: null },
    { name: 'valid with surrounding whitespace', token: `\n ${valid} \n`, expected: null },
    { name: 'valid, audience as a string', token: await mint({ ...good, aud: base.audience }), expected: null },
    { name: 'valid, expired 3 s ago within the 30 s leeway', token: await mint({ ...good, exp: now - 3 }), expected: null },
    { name: 'valid, signed by the rotated key (refetch)', token: await mint(good, { kid: rotated.kid }), expected: null },
    { name: 'two parts', token: `${h}.${p}`, expected: 'malformed' },
    { name: 'header not JSON', token: `${Buffer.from('nope').toString('base64url')}.${p}.${s}`, expected: 'malformed' },
    { name: 'Bearer prefix (pasted from a request)', token: `Bearer ${valid}`, expected: null },
    { name: 'Bearer undefined (a SPA without a token)', token: 'Bearer undefined', expected: 'missing_token' },
    { name: 'null', token: 'null', expected: 'missing_token' },
    { name: 'Bearer and spaces only', token: 'Bearer   ', expected: 'missing_token' },
    { name: 'signature with stray bits (same bytes)', token: `${h}.${p}.${strayBits(s)}`, expected: 'malformed' },
    { name: 'exp as a string', token: `${h}.${b64({ ...good, exp: String(now + 60) })}.${s}`, expected: 'malformed' },
    { name: 'empty', token: '', expected: 'missing_token' },
    { name: 'opaque string', token: 'Xa9uQp3v2kLm8ZtR1yW0cN5bH7eJ4sDf', expected: 'opaque_token' },
    {
      name: 'JWE (no audience asked)',
      token: `${b64({ alg: 'dir', enc: 'A256GCM', iss: issuer })}..${'a'.repeat(16)}.${'b'.repeat(40)}.${'c'.repeat(22)}`,
      expected: 'opaque_token',
    },
    { name: 'alg none', token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`, expected: 'alg_not_allowed' },
    { name: 'HS256 with the kid of a real key', token: hs, expected: 'alg_not_allowed' },
    { name: 'RS384 not allowed', token: `${b64({ alg: 'RS384', kid: first.kid })}.${p}.${s}`, expected: 'alg_not_allowed' },
    { name: 'unknown kid', token: stranger, expected: 'unknown_kid' },
    { name: 'known kid, wrong key', token: impostor, expected: 'bad_signature' },
    { name: 'payload altered', token: `${h}.${b64({ ...good, [base.claim]: 'globex' })}.${s}`, expected: 'bad_signature' },
    { name: 'issuer without its trailing form', token: await mint({ ...good, iss: `${issuer}/` }), expected: 'wrong_issuer' },
    { name: 'another API', token: await mint({ ...good, aud: 'https://other.example.com' }), expected: 'wrong_audience' },
    { name: 'an ID token', token: await mint({ ...good, aud: base.clientId, nonce: 'n' }), expected: 'id_token' },
    { name: 'expired', token: await mint({ ...good, exp: now - 120 }), expected: 'expired' },
    { name: 'no exp', token: await mint(good, { drop: ['exp'] }), expected: 'expired' },
    { name: 'not yet valid', token: await mint({ ...good, nbf: now + 600 }), expected: 'not_yet_valid' },
    { name: "globex's application", token: await mint({ ...good, azp: 'globex-client-id' }), expected: 'wrong_application' },
    { name: 'no tenant claim', token: await mint(good, { drop: [base.claim] }), expected: 'missing_tenant_claim' },
    { name: 'tenant claim null', token: await mint({ ...good, [base.claim]: null }), expected: 'missing_tenant_claim' },
    { name: 'another tenant', token: await mint({ ...good, [base.claim]: 'globex' }), expected: 'wrong_tenant' },
    { name: 'tenant claim not a string', token: await mint({ ...good, [base.claim]: 7 }), expected: 'wrong_tenant' },
  ];
  const { azp, ...rfcClaims } = good;
  const rfcVectors: Vector[] = [
    { name: 'rfc9068: client_id claim', token: await mint({ ...rfcClaims, client_id: base.clientId }), expected: null },
    { name: 'rfc9068: only azp', token: valid, expected: 'wrong_application' },
  ];
  return {
    groups: [
      { settingsFile: azpFile, vectors },
      { settingsFile: rfcFile, vectors: rfcVectors },
    ],
    resetRotation: () => {
      fetches = 0;
    },
    close: async () => {
      await issuerServer.stop();
      await new Promise<void>((r) => jwksServer.close(() => r()));
    },
  };
}

/** The same signature bytes written differently: flips an unused low bit of the last base64url character. */
function strayBits(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + alphabet[last ^ 1];
}
