import { constants, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import type { RejectionCode } from '../../src/core/verify-token.js';
import type { VerifierSettings } from '../../src/core/tenant-settings-schema.js';

/**
 * Differential cases for the verifiers: key sets (clean, hostile, single-key, unusable) and thousands of tokens
 * minted here with node:crypto (so any header or payload bytes can be signed): valid ones, single-claim
 * mutations, header and encoding mutations, and fast-check cases. `expected` is set where the rule table
 * decides by hand; `reference` says how far an independent verifier (jose's jwtVerify plus explicit
 * application and tenant checks) must agree: 'code' (same code), 'accept' (same acceptance), or false where the
 * rule is our own policy (Bearer prefix, canonical base64url, crit/b64/typ, size and number limits, key filtering).
 */
export type Reference = 'code' | 'accept' | false;
export interface Case {
  name: string;
  token: string;
  expected?: RejectionCode | null;
  reference: Reference;
}
export interface Scenario {
  name: string;
  settings: VerifierSettings;
  jwksText: string;
  jwksStatus?: number;
  cases: Case[];
  unavailable?: boolean;
}

export const NOW = 1_800_000_000;
const LEEWAY = 30;
const ISSUER = 'https://tenant.example.com/';
const AUD = 'https://api.saas.example.com';
const CLIENT = 'acme-client-id';
const CLAIM = 'https://saas.example.com/tenant';

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}
const rsa = (bits: number): KeyPair => generateKeyPairSync('rsa', { modulusLength: bits });
const ec = (namedCurve: string): KeyPair => generateKeyPairSync('ec', { namedCurve });
const jwkOf = (pair: KeyPair, extra: Record<string, unknown> = {}) => ({ ...(pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), ...extra });

function signature(alg: string, key: KeyObject, input: string): string {
  const hash = `sha${alg.slice(2)}`;
  const data = Buffer.from(input);
  if (alg.startsWith('ES')) return b64(sign(hash, data, { key, dsaEncoding: 'ieee-p1363' }));
  if (alg.startsWith('PS')) return b64(sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }));
  return b64(sign(hash, data, key));
}

/** A compact JWS over any header and payload: objects are JSON-encoded, strings and Buffers taken as the exact bytes. */
function jws(header: unknown, payload: unknown, key: KeyObject, signAlg = 'RS256'): string {
  const enc = (part: unknown) => b64(typeof part === 'string' || Buffer.isBuffer(part) ? part : JSON.stringify(part));
  const input = `${enc(header)}.${enc(payload)}`;
  return `${input}.${signature(signAlg, key, input)}`;
}

const settingsFor = (algorithms: VerifierSettings['algorithms'], clientIdClaim: 'azp' | 'client_id' = 'azp'): VerifierSettings => ({
  schemaVersion: 1,
  tenant: 'acme',
  issuer: ISSUER,
  jwksUri: 'http://127.0.0.1/placeholder',
  audience: AUD,
  clientId: CLIENT,
  clientIdClaim,
  tenantClaim: CLAIM,
  algorithms,
  leewaySeconds: LEEWAY,
});

/** `levels` arrays inside each other around a number: inside the top-level object, levels + 1 deep. */
const nested = (levels: number): unknown => (levels <= 0 ? 1 : [nested(levels - 1)]);

export function makeScenarios(options: { seed: number; randomRuns: number }): Scenario[] {
  const rsaA = rsa(2048);
  const rsaB = rsa(2048);
  const small = rsa(1024);
  const foreign = rsa(2048);
  const ec256 = ec('P-256');
  const ec384 = ec('P-384');
  const ec521 = ec('P-521');
  const foreignEc = ec('P-256');
  const x25519 = generateKeyPairSync('x25519');
  const ed25519 = generateKeyPairSync('ed25519');

  const good = {
    iss: ISSUER,
    sub: 'auth0|user1',
    aud: [AUD, `${ISSUER}userinfo`],
    azp: CLIENT,
    scope: 'openid profile',
    iat: NOW - 10,
    exp: NOW + 3600,
    [CLAIM]: 'acme',
  };
  const head = { alg: 'RS256', typ: 'JWT', kid: 'rsa-a' };
  const valid = jws(head, good, rsaA.privateKey);
  const [h, p, s] = valid.split('.') as [string, string, string];
  const cases: Case[] = [];
  const add = (name: string, token: string, expected: RejectionCode | null, reference: Reference = 'code') => cases.push({ name, token, expected, reference });
  const claims = (name: string, payload: unknown, expected: RejectionCode | null, reference: Reference = 'code') =>
    add(`claims: ${name}`, jws(head, payload, rsaA.privateKey), expected, reference);
  const headers = (name: string, header: unknown, expected: RejectionCode | null, reference: Reference = false) =>
    add(`header: ${name}`, jws(header, good, rsaA.privateKey), expected, reference);
  const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));
  const text = (json: string) => json.replace('"EXP"', String(NOW + 3600));
  const goodText = JSON.stringify({ ...good, exp: 'EXP' }).replace('"EXP"', String(NOW + 3600));

  // valid
  add('valid', valid, null);
  claims('audience as a string', { ...good, aud: AUD }, null);
  claims('audience among non-strings', { ...good, aud: [5, null, AUD] }, null);
  claims('float times', { ...good, iat: NOW - 0.5, exp: NOW + 0.25 }, null);
  claims('unicode escapes in the tenant', goodText.replace('"acme"', '"\\u0061cme"'), null, 'accept');
  claims('a lone surrogate in another claim', { ...good, name: '\ud800x' }, null, 'accept');
  claims('exp 1e308', text(goodText.replace(`"exp":${NOW + 3600}`, '"exp":1e308')), null, 'accept');
  claims('a duplicated iss, the last one right', goodText.replace('{', '{"iss":"https://evil.example.com/",'), null, 'accept');
  claims('nesting at the limit (20)', { ...good, deep: nested(19) }, null, 'accept');

  // time boundaries (RFC 7519: now before exp, leeway 30 s)
  claims('exp exactly now - leeway', { ...good, exp: NOW - LEEWAY }, 'expired');
  claims('exp now - leeway + 1', { ...good, exp: NOW - LEEWAY + 1 }, null);
  claims('exp now - leeway - 1', { ...good, exp: NOW - LEEWAY - 1 }, 'expired');
  claims('exp now - leeway + 0.5', { ...good, exp: NOW - LEEWAY + 0.5 }, null);
  claims('exp now - leeway - 0.5', { ...good, exp: NOW - LEEWAY - 0.5 }, 'expired');
  claims('no exp', without('exp'), 'expired');
  claims('exp 0', { ...good, exp: 0 }, 'expired');
  claims('exp -0', text(goodText.replace(`"exp":${NOW + 3600}`, '"exp":-0')), 'expired', 'accept');
  claims('nbf exactly now + leeway', { ...good, nbf: NOW + LEEWAY }, null);
  claims('nbf now + leeway + 1', { ...good, nbf: NOW + LEEWAY + 1 }, 'not_yet_valid');
  claims('nbf now + leeway + 0.5', { ...good, nbf: NOW + LEEWAY + 0.5 }, 'not_yet_valid');
  claims('nbf now', { ...good, nbf: NOW }, null);

  // unusual numbers and types
  for (const [name, value] of [
    ['null', null],
    ['a string', String(NOW + 60)],
    ['true', true],
    ['an array', [NOW + 60]],
    ['an object', {}],
  ] as const) {
    claims(`exp ${name}`, { ...good, exp: value }, 'malformed', 'accept');
    claims(`nbf ${name}`, { ...good, nbf: value }, 'malformed', 'accept');
    claims(`iat ${name}`, { ...good, iat: value }, 'malformed', 'accept');
  }
  claims('exp with 400 digits', goodText.replace(`"exp":${NOW + 3600}`, `"exp":${'9'.repeat(400)}`), 'malformed', false);
  claims('exp with 5000 digits', goodText.replace(`"exp":${NOW + 3600}`, `"exp":${'9'.repeat(5000)}`), 'malformed', false);
  claims('exp 1e400', goodText.replace(`"exp":${NOW + 3600}`, '"exp":1e400'), 'malformed', false);
  claims('an integer of 5000 digits elsewhere', goodText.replace('{', `{"n":${'1'.repeat(5000)},`), 'malformed', false);
  claims('a duplicated exp, the first 1e999', goodText.replace('{', '{"exp":1e999,'), 'malformed', false);
  claims('NaN', goodText.replace('{', '{"n":NaN,'), 'malformed', 'accept');
  claims('Infinity', goodText.replace('{', '{"n":Infinity,'), 'malformed', 'accept');
  claims('nesting over the limit (21)', { ...good, deep: nested(20) }, 'malformed', false);
  claims('nesting 1000 levels', goodText.replace('{', `{"deep":${'['.repeat(1000)}${']'.repeat(1000)},`), 'malformed', false);
  claims('nesting 1000 levels in a duplicated claim', goodText.replace('{', `{"sub":${'['.repeat(1000)}${']'.repeat(1000)},`), 'malformed', false);
  claims('nesting in a string is not nesting', { ...good, note: '['.repeat(100) }, null, 'accept');
  claims('a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(goodText)]), 'malformed', false);
  claims('not UTF-8', Buffer.concat([Buffer.from(goodText.slice(0, -1)), Buffer.from([0xff, 0x7d])]), 'malformed', 'accept');
  claims('an array', [good], 'malformed', 'accept');
  claims('null', 'null', 'malformed', 'accept');
  claims('trailing text', `${goodText} x`, 'malformed', 'accept');
  claims('too long (17,000 characters)', { ...good, pad: 'x'.repeat(17_000) }, 'malformed', false);

  // issuer, audience, application, tenant
  claims('issuer without the trailing slash', { ...good, iss: ISSUER.slice(0, -1) }, 'wrong_issuer');
  claims('no issuer', without('iss'), 'wrong_issuer');
  claims('issuer null', { ...good, iss: null }, 'wrong_issuer', 'accept');
  claims('issuer in an array', { ...good, iss: [ISSUER] }, 'wrong_issuer', 'accept');
  claims('a non-Latin-1 issuer', { ...good, iss: 'https://例え.テスト/' }, 'wrong_issuer');
  claims('another API', { ...good, aud: 'https://other.example.com' }, 'wrong_audience');
  claims('no audience', without('aud'), 'wrong_audience');
  claims('empty audience list', { ...good, aud: [] }, 'wrong_audience');
  claims('audience a number', { ...good, aud: 5 }, 'wrong_audience', 'accept');
  claims('audience null', { ...good, aud: null }, 'wrong_audience', 'accept');
  claims('an ID token', { ...good, aud: CLIENT }, 'id_token', 'accept');
  claims('an ID token, audience list', { ...good, aud: [CLIENT] }, 'id_token', 'accept');
  claims("globex's application", { ...good, azp: 'globex-client-id' }, 'wrong_application');
  claims('no azp', without('azp'), 'wrong_application');
  claims('azp null', { ...good, azp: null }, 'wrong_application');
  claims('no tenant claim', without(CLAIM), 'missing_tenant_claim');
  claims('tenant claim null', { ...good, [CLAIM]: null }, 'missing_tenant_claim');
  claims('another tenant', { ...good, [CLAIM]: 'globex' }, 'wrong_tenant');
  claims('a non-Latin-1 tenant', { ...good, [CLAIM]: 'アクメ' }, 'wrong_tenant');
  claims('tenant in another case', { ...good, [CLAIM]: 'ACME' }, 'wrong_tenant');
  claims('tenant a number', { ...good, [CLAIM]: 7 }, 'wrong_tenant');
  claims('tenant in an array', { ...good, [CLAIM]: ['acme'] }, 'wrong_tenant');
  claims('tenant a boolean', { ...good, [CLAIM]: true }, 'wrong_tenant');

  // header
  for (const typ of ['JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt', 'application/jwt']) headers(`typ ${typ}`, { ...head, typ }, null, 'code');
  headers('no typ', { alg: 'RS256', kid: 'rsa-a' }, null, 'code');
  for (const typ of ['JOSE', 'dpop+jwt', 'logout+jwt', '', 1, null, ['JWT']]) headers(`typ ${JSON.stringify(typ)}`, { ...head, typ }, 'malformed');
  headers('crit b64 with b64 false', { ...head, crit: ['b64'], b64: false }, 'malformed', 'accept');
  headers('crit exp', { ...head, crit: ['exp'] }, 'malformed', 'accept');
  headers('crit empty', { ...head, crit: [] }, 'malformed', 'accept');
  headers('crit not a list', { ...head, crit: 'exp' }, 'malformed', 'accept');
  headers('crit b64 with b64 true', { ...head, crit: ['b64'], b64: true }, 'malformed');
  headers('b64 false without crit', { ...head, b64: false }, 'malformed');
  headers('b64 null without crit', { ...head, b64: null }, 'malformed');
  headers('b64 true without crit', { ...head, b64: true }, null);
  {
    const header = b64(JSON.stringify({ ...head, crit: ['b64'], b64: false }));
    const raw = 'payload';
    add(
      'header: b64 false, signed over the unencoded payload',
      `${header}.${raw}.${signature('RS256', rsaA.privateKey, `${header}.${raw}`)}`,
      'malformed',
      'accept',
    );
  }
  headers('alg none', { ...head, alg: 'none' }, 'alg_not_allowed', 'code');
  add('header: alg none, empty signature', `${b64(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`, 'alg_not_allowed', 'code');
  {
    const hsHeader = b64(JSON.stringify({ ...head, alg: 'HS256' }));
    const secret = rsaA.publicKey.export({ format: 'pem', type: 'spki' });
    add(
      'header: HS256 keyed with the public key (confusion)',
      `${hsHeader}.${p}.${b64(createHmac('sha256', secret).update(`${hsHeader}.${p}`).digest())}`,
      'alg_not_allowed',
      'code',
    );
  }
  headers('alg RS384 (not allowed)', { ...head, alg: 'RS384' }, 'alg_not_allowed', 'code');
  headers('alg rs256 (case)', { ...head, alg: 'rs256' }, 'alg_not_allowed', 'code');
  headers('alg null', { ...head, alg: null }, 'alg_not_allowed', 'accept');
  headers('no alg', { typ: 'JWT', kid: 'rsa-a' }, 'alg_not_allowed', 'accept');
  headers('alg ES256 (not allowed here)', { ...head, alg: 'ES256' }, 'alg_not_allowed', 'code');
  headers('no kid, two usable keys', { alg: 'RS256', typ: 'JWT' }, 'unknown_kid');
  headers('kid null', { ...head, kid: null }, 'unknown_kid');
  headers('kid a number', { ...head, kid: 5 }, 'unknown_kid');
  headers('kid empty', { ...head, kid: '' }, 'unknown_kid', 'code');
  headers('unknown kid', { ...head, kid: 'nope' }, 'unknown_kid', 'code');
  headers('jku and x5u are ignored', { ...head, jku: 'https://evil.example.com/jwks', x5u: 'https://evil.example.com/x5u' }, null, 'code');
  headers('nesting over the limit', { ...head, x: nested(21) }, 'malformed');
  headers('a number too large', `{"alg":"RS256","kid":"rsa-a","x":1e999}`, 'malformed');
  headers('a duplicated alg, the last one right', '{"alg":"none","alg":"RS256","kid":"rsa-a"}', null, 'code');
  headers('a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(head))]), 'malformed');
  add('header: kid rsa-b, signed by rsa-a', jws({ ...head, kid: 'rsa-b' }, good, rsaA.privateKey), 'bad_signature', 'code');
  add('signed by a foreign key under a known kid', jws(head, good, foreign.privateKey), 'bad_signature', 'code');
  add(
    'signed by a foreign key under its own kid, jku pointing to it',
    jws({ ...head, kid: 'foreign', jku: 'https://evil.example.com/jwks' }, good, foreign.privateKey),
    'unknown_kid',
    'code',
  );
  add('payload altered', `${h}.${b64(JSON.stringify({ ...good, [CLAIM]: 'globex' }))}.${s}`, 'bad_signature', 'code');

  // encoding
  for (const [name, token] of [
    ['surrounding whitespace', ` \n${valid}\t\r\n`],
    ['Bearer prefix', `Bearer ${valid}`],
    ['bearer prefix', `bearer ${valid}`],
    ['BEARER prefix and spaces', `  BEARER    ${valid} `],
    ['Bearer and a tab', `Bearer\t${valid}`],
  ] as const)
    add(`encoding: ${name}`, token, null, false);
  for (const [name, token] of [
    ['empty', ''],
    ['whitespace', ' \t\r\n '],
    ['Bearer', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['Bearer undefined', 'Bearer undefined'],
    ['undefined', 'undefined'],
    ['null', 'null'],
    ['Bearer null', 'Bearer null'],
    ['bearer  undefined  ', 'bearer  undefined  '],
  ] as const)
    add(`missing: ${name}`, token, 'missing_token', false);
  add('encoding: Undefined (not what a SPA sends)', 'Undefined', 'opaque_token', false);
  add('encoding: Bearer twice', `Bearer Bearer ${valid}`, 'malformed', false);
  add('encoding: another scheme', `Token ${valid}`, 'malformed', false);
  add('encoding: signature padded', `${valid}==`, 'malformed', false);
  add('encoding: header padded', `${h}=.${p}.${s}`, 'malformed', false);
  add('encoding: signature with stray bits', `${h}.${p}.${strayBits(s)}`, 'malformed', false);
  add(
    'encoding: standard base64 characters',
    `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}`,
    s.includes('-') || s.includes('_') ? 'malformed' : null,
    false,
  );
  add('encoding: two parts', `${h}.${p}`, 'malformed', 'accept');
  add('encoding: four parts', `${valid}.x`, 'malformed', 'accept');
  add('encoding: five parts, not a JWE', `${valid}.x.y`, 'malformed', false);
  add(
    'encoding: a JWE',
    `${b64(JSON.stringify({ alg: 'dir', enc: 'A256GCM' }))}..${'a'.repeat(16)}.${'b'.repeat(40)}.${'c'.repeat(22)}`,
    'opaque_token',
    false,
  );
  add('encoding: an opaque token', 'Xa9uQp3v2kLm8ZtR1yW0cN5bH7eJ4sDf', 'opaque_token', false);
  add('encoding: spaces inside', `${h}. ${p}.${s}`, 'malformed', 'accept');
  add('encoding: a newline inside', `${h}.${p}\n.${s}`, 'malformed', 'accept');
  add('encoding: non-ASCII appended', `${valid}é`, 'malformed', 'accept');
  add('encoding: 20,000 characters', `${h}.${p}.${s}${'A'.repeat(20_000)}`, 'malformed', false);
  add('signature: 4 characters short', `${h}.${p}.${s.slice(4)}`, 'bad_signature', 'code');
  add('signature: empty', `${h}.${p}.`, 'bad_signature', 'code');
  add('signature: zeros', `${h}.${p}.${'A'.repeat(s.length)}`, 'bad_signature', 'code');

  const scenarioA: Scenario = {
    name: 'auth0-like key set (two RS256 keys)',
    settings: settingsFor(['RS256']),
    jwksText: JSON.stringify({ keys: [jwkOf(rsaA, { kid: 'rsa-a', use: 'sig', alg: 'RS256' }), jwkOf(rsaB, { kid: 'rsa-b', use: 'sig', alg: 'RS256' })] }),
    cases,
  };

  // random cases (fast-check, fixed seed)
  const rng = { seed: options.seed, numRuns: options.randomRuns };
  const pick = <T>(arb: fc.Arbitrary<T>, offset: number) => fc.sample(arb, { seed: options.seed + offset, numRuns: options.randomRuns });
  const claimKeys = fc.constantFrom('iss', 'aud', 'exp', 'nbf', 'iat', 'azp', 'sub', CLAIM, 'client_id', 'x');
  const claimValues = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom<unknown>(ISSUER, AUD, [AUD], CLIENT, 'acme', 'globex', NOW, NOW - LEEWAY, NOW + LEEWAY, NOW - LEEWAY + 1, NOW + LEEWAY + 1, null),
    fc.integer({ min: NOW - 100, max: NOW + 100 }),
  );
  pick(fc.dictionary(claimKeys, claimValues, { minKeys: 1, maxKeys: 3 }), 1).forEach((changes, i) => {
    const payload = { ...good, ...changes };
    add(`random claims #${i}`, jws(head, payload, rsaA.privateKey), undefined as never, 'accept');
  });
  const headerKeys = fc.constantFrom('alg', 'kid', 'typ', 'crit', 'b64', 'jku', 'x5u', 'cty', 'enc', 'zip', 'x');
  const headerValues = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom<unknown>('RS256', 'ES256', 'none', 'rsa-a', 'rsa-b', 'JWT', 'at+jwt', ['b64'], false, true, null),
  );
  pick(fc.dictionary(headerKeys, headerValues, { maxKeys: 3 }), 2).forEach((changes, i) => {
    add(`random header #${i}`, jws({ ...head, ...changes }, good, rsaA.privateKey), undefined as never, false);
  });
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.= \n\t{}"+/';
  pick(fc.tuple(fc.nat(), fc.constantFrom(...alphabet)), 3).forEach(([position, char], i) => {
    const at = position % valid.length;
    add(`random character #${i}`, valid.slice(0, at) + char + valid.slice(at + 1), undefined as never, false);
  });
  pick(
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,40}(\.[A-Za-z0-9_-]{0,40}){0,5}$/),
      fc.nat().map((n) => valid.slice(0, n % valid.length)),
      fc.constantFrom('Bearer', 'Bearer undefined', 'null', ''),
    ),
    4,
  ).forEach((token, i) => {
    add(`random string #${i}`, token, undefined as never, false);
  });
  void rng;

  // several algorithms and curves
  const multi: Case[] = [];
  const addMulti = (name: string, token: string, expected: RejectionCode | null, reference: Reference = 'code') =>
    multi.push({ name, token, expected, reference });
  addMulti('RS256', jws({ alg: 'RS256', kid: 'rsa-a' }, good, rsaA.privateKey), null);
  addMulti('PS256 with the same RSA key', jws({ alg: 'PS256', kid: 'rsa-a' }, good, rsaA.privateKey, 'PS256'), null);
  addMulti('ES256', jws({ alg: 'ES256', kid: 'ec-256' }, good, ec256.privateKey, 'ES256'), null);
  addMulti('ES384', jws({ alg: 'ES384', kid: 'ec-384' }, good, ec384.privateKey, 'ES384'), null);
  addMulti('ES512', jws({ alg: 'ES512', kid: 'ec-521' }, good, ec521.privateKey, 'ES512'), null);
  addMulti('ES256 signed with the P-384 key, its kid', jws({ alg: 'ES256', kid: 'ec-384' }, good, ec384.privateKey, 'ES384'), 'unknown_kid');
  addMulti('ES384 under the P-256 kid', jws({ alg: 'ES384', kid: 'ec-256' }, good, ec256.privateKey, 'ES256'), 'unknown_kid');
  addMulti('ES256 by a foreign P-256 key', jws({ alg: 'ES256', kid: 'ec-256' }, good, foreignEc.privateKey, 'ES256'), 'bad_signature');
  addMulti('RS256 under an EC kid', jws({ alg: 'RS256', kid: 'ec-256' }, good, rsaA.privateKey), 'unknown_kid');
  addMulti('ES256 under an RSA kid', jws({ alg: 'ES256', kid: 'rsa-a' }, good, ec256.privateKey, 'ES256'), 'unknown_kid');
  {
    const t = jws({ alg: 'ES256', kid: 'ec-256' }, good, ec256.privateKey, 'ES256');
    const [eh, ep] = t.split('.');
    const der = b64(sign('sha256', Buffer.from(`${eh}.${ep}`), { key: ec256.privateKey, dsaEncoding: 'der' }));
    addMulti('ES256 with a DER signature', `${eh}.${ep}.${der}`, 'bad_signature');
    addMulti('ES256 with a short signature', `${eh}.${ep}.${t.split('.')[2]!.slice(0, 40)}`, 'bad_signature');
  }
  addMulti('PS384 (not allowed)', jws({ alg: 'PS384', kid: 'rsa-a' }, good, rsaA.privateKey, 'PS384'), 'alg_not_allowed');
  const scenarioB: Scenario = {
    name: 'several algorithms and curves',
    settings: settingsFor(['RS256', 'PS256', 'ES256', 'ES384', 'ES512']),
    jwksText: JSON.stringify({
      keys: [jwkOf(rsaA, { kid: 'rsa-a' }), jwkOf(ec256, { kid: 'ec-256' }), jwkOf(ec384, { kid: 'ec-384' }), jwkOf(ec521, { kid: 'ec-521', use: 'sig' })],
    }),
    cases: multi,
  };

  // a hostile key set: every kind of key that cannot verify, before and among usable ones
  const rsaAJwk = jwkOf(rsaA);
  const privateJwk = { ...(rsaA.privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: 'private' };
  const hostileKeys = [
    { ...(x25519.publicKey.export({ format: 'jwk' }) as object), kid: 'x25519' },
    { ...(ed25519.publicKey.export({ format: 'jwk' }) as object), kid: 'ed25519' },
    { kty: 'RSA', kid: 'broken', n: '!!not-base64!!', e: 'AQAB' },
    { kty: 'RSA', kid: 'broken-n', n: 'AQAB', e: 'AQAB' },
    { ...rsaAJwk, kid: 'even-e', e: 'AAI' },
    privateJwk,
    { ...rsaAJwk, kid: 'ops-encrypt', key_ops: ['encrypt'] },
    { ...rsaAJwk, kid: 'ops-null', key_ops: null },
    { ...rsaAJwk, kid: 'use-null', use: null },
    { ...rsaAJwk, kid: 'use-enc', use: 'enc' },
    { ...rsaAJwk, kid: 'alg-null', alg: null },
    { ...rsaAJwk, kid: 'alg-rs512', alg: 'RS512' },
    { ...jwkOf(small), kid: 'rsa-1024' },
    { ...jwkOf(ec384), kid: 'p384-as-es256' },
    { ...jwkOf(ec256), kid: 'ec-short-x', x: b64(Buffer.alloc(31, 1)) },
    { ...jwkOf(ec256), kid: 'ec-off-curve', x: b64(Buffer.alloc(32, 1)), y: b64(Buffer.alloc(32, 2)) },
    { kty: 'oct', kid: 'oct', k: b64('a-shared-secret-of-32-bytes-long!') },
    42,
    null,
    'text',
    [],
    { kty: 'RSA' },
    { ...rsaAJwk, kid: '' },
    { ...rsaAJwk, kid: 7 },
    { kty: 'RSA', kid: 'dup', n: 'AQAB', e: 'AQAB' },
    { ...rsaAJwk, kid: 'dup' },
    { ...rsaAJwk, kid: 'ops-verify', key_ops: ['verify'], use: 'sig', alg: 'RS256' },
    { ...jwkOf(ec256), kid: 'ec-good' },
    { ...jwkOf(rsaB), kid: 'good', use: 'sig', alg: 'RS256' },
  ];
  const hostile: Case[] = [];
  const addHostile = (name: string, token: string, expected: RejectionCode | null) => hostile.push({ name, token, expected, reference: false });
  addHostile('the good key', jws({ alg: 'RS256', kid: 'good' }, good, rsaB.privateKey), null);
  addHostile('a duplicated kid, the first broken', jws({ alg: 'RS256', kid: 'dup' }, good, rsaA.privateKey), null);
  addHostile('key_ops with verify', jws({ alg: 'RS256', kid: 'ops-verify' }, good, rsaA.privateKey), null);
  addHostile('the EC key', jws({ alg: 'ES256', kid: 'ec-good' }, good, ec256.privateKey, 'ES256'), null);
  for (const kid of [
    'x25519',
    'ed25519',
    'broken',
    'broken-n',
    'even-e',
    'private',
    'ops-encrypt',
    'ops-null',
    'use-null',
    'use-enc',
    'alg-null',
    'alg-rs512',
    'oct',
    'nope',
  ]) {
    addHostile(`kid ${kid}`, jws({ alg: 'RS256', kid }, good, rsaA.privateKey), 'unknown_kid');
  }
  addHostile('kid rsa-1024, signed by it', jws({ alg: 'RS256', kid: 'rsa-1024' }, good, small.privateKey), 'unknown_kid');
  addHostile('ES256 signed by the P-384 key under its kid', jws({ alg: 'ES256', kid: 'p384-as-es256' }, good, ec384.privateKey, 'ES384'), 'unknown_kid');
  addHostile('ES256 under a short-coordinate kid', jws({ alg: 'ES256', kid: 'ec-short-x' }, good, ec256.privateKey, 'ES256'), 'unknown_kid');
  addHostile('ES256 under an off-curve kid', jws({ alg: 'ES256', kid: 'ec-off-curve' }, good, ec256.privateKey, 'ES256'), 'unknown_kid');
  addHostile('no kid, several usable keys', jws({ alg: 'RS256' }, good, rsaB.privateKey), 'unknown_kid');
  const scenarioC: Scenario = {
    name: 'hostile key set',
    settings: settingsFor(['RS256', 'ES256']),
    jwksText: JSON.stringify({ keys: hostileKeys }),
    cases: hostile,
  };

  // one usable key among unusable ones: a token without kid uses it
  const single: Case[] = [
    { name: 'no kid, the only usable key', token: jws({ alg: 'RS256' }, good, rsaA.privateKey), expected: null, reference: false },
    { name: 'no kid, another key', token: jws({ alg: 'RS256' }, good, rsaB.privateKey), expected: 'bad_signature', reference: false },
    { name: 'kid of the usable key', token: jws({ alg: 'RS256', kid: 'only' }, good, rsaA.privateKey), expected: null, reference: false },
  ];
  const scenarioD: Scenario = {
    name: 'one usable key',
    settings: settingsFor(['RS256']),
    jwksText: JSON.stringify({
      keys: [{ ...jwkOf(rsaB), kid: 'enc', use: 'enc' }, privateJwk, { ...jwkOf(rsaA), kid: 'only' }, { ...jwkOf(ec256), kid: 'ec' }],
    }),
    cases: single,
  };

  // RFC 9068 profile
  const { azp: _azp, ...rfc } = good;
  const rfcHead = { alg: 'RS256', typ: 'at+jwt', kid: 'rsa-a' };
  const scenarioE: Scenario = {
    name: 'rfc9068 profile',
    settings: settingsFor(['RS256'], 'client_id'),
    jwksText: scenarioA.jwksText,
    cases: [
      { name: 'client_id', token: jws(rfcHead, { ...rfc, client_id: CLIENT }, rsaA.privateKey), expected: null, reference: 'code' },
      { name: 'only azp', token: valid, expected: 'wrong_application', reference: 'code' },
      {
        name: "another application's client_id",
        token: jws(rfcHead, { ...rfc, client_id: 'globex' }, rsaA.privateKey),
        expected: 'wrong_application',
        reference: 'code',
      },
    ],
  };

  // key sets that are not key sets: not a verdict on the token
  const unavailable = (name: string, jwksText: string, jwksStatus = 200): Scenario => ({
    name: `unusable key set: ${name}`,
    settings: settingsFor(['RS256']),
    jwksText,
    jwksStatus,
    unavailable: true,
    cases: [{ name: 'valid token', token: valid, reference: false }],
  });
  return [
    scenarioA,
    scenarioB,
    scenarioC,
    scenarioD,
    scenarioE,
    unavailable('not JSON', 'nope'),
    unavailable('keys not a list', '{"keys":{}}'),
    unavailable('a list', '[]'),
    unavailable('nested 5,000 levels', `{"keys":${'['.repeat(5000)}${']'.repeat(5000)}}`),
    unavailable('truncated', '{"keys":['),
    unavailable('HTTP 404', '{"keys":[]}', 404),
    unavailable('HTTP 500', 'oops', 500),
  ];
}

function strayBits(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + alphabet[last ^ 1];
}
