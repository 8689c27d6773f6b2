import { copyFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from 'auth0-tenants/verify';
import { runPython } from '../helpers/python.js';
import { tempDir } from '../helpers/workspace.js';

/** Forged kids must not turn into a fetch each: a server keeps the key set and refetches at most once per cooldown. */
const work = tempDir('tenants-refresh-');
let server: Server;
let fetches = 0;
let settingsFile = '';
const tokens: string[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'real', use: 'sig' };
  server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = 'https://tenant.example.com/';
  settingsFile = join(work.path, 'tenant.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({
      schemaVersion: 1,
      tenant: 'acme',
      issuer,
      jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
      audience: 'https://api.example.com',
      clientId: 'acme-client',
      clientIdClaim: 'azp',
      tenantClaim: 'https://saas.example.com/tenant',
      algorithms: ['RS256'],
      leewaySeconds: 30,
    }),
  );
  for (let i = 0; i < 20; i++) {
    tokens.push(
      await new SignJWT({ azp: 'acme-client', 'https://saas.example.com/tenant': 'acme' })
        .setProtectedHeader({ alg: 'RS256', kid: `forged-${i}` })
        .setIssuer(issuer)
        .setAudience('https://api.example.com')
        .setExpirationTime('1h')
        .sign(pair.privateKey),
    );
  }
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  work.remove();
});

describe('20 tokens with forged kids cost two key-set fetches, not twenty', () => {
  it('in the Node library', async () => {
    fetches = 0;
    const verifier = createVerifier(settingsFile);
    for (const token of tokens) expect((await verifier.verify(token)).code).toBe('unknown_kid');
    expect(fetches).toBe(2);
  });

  it('in tenant_auth.py', async () => {
    fetches = 0;
    copyFileSync(fileURLToPath(new URL('../../templates/tenant_auth.py', import.meta.url)), join(work.path, 'tenant_auth.py'));
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(work.path)})`,
      'import tenant_auth',
      'codes = []',
      `for token in ${JSON.stringify(tokens)}:`,
      '    try:',
      '        tenant_auth.verify_token(token)',
      '    except tenant_auth.TokenRejected as rejected:',
      '        codes.append(rejected.code)',
      'print(json.dumps(codes))',
    ].join('\n');
    const result = await runPython(['-c', script]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(tokens.map(() => 'unknown_kid'));
    expect(fetches).toBe(2);
  });
});
