import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { outputJsonSchemas } from '../../src/core/output-schemas.js';
import { runWithFakeContext } from '../helpers/fake-context.js';
import { FakePort } from '../helpers/fake-port.js';
import { tempDir } from '../helpers/workspace.js';

const dirs: { remove: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
const schemas = outputJsonSchemas();
const ajv = new Ajv2020({ strict: false, allErrors: true });
const check = (name: keyof typeof schemas, stdout: string) => {
  const validate = ajv.compile(schemas[name]);
  const doc = JSON.parse(stdout) as unknown;
  expect(validate(doc) ? [] : validate.errors, name).toEqual([]);
};

describe('the --json shapes', () => {
  it('are the committed schemas/*.schema.json, generated from the zod types (npm run schemas), and nothing else', () => {
    for (const [name, schema] of Object.entries(schemas)) {
      expect(JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')), name).toEqual(schema);
    }
    expect(readdirSync(new URL('../../schemas/', import.meta.url)).sort()).toEqual(
      Object.keys(schemas)
        .map((n) => `${n}.schema.json`)
        .sort(),
    );
  });

  it('describe what create, sync and doctor print (errors: test/e2e/usage.test.ts)', async () => {
    const dir = tempDir('tenants-shapes-');
    dirs.push(dir);
    const cwd = dir.path;
    const port = new FakePort();
    await runWithFakeContext(
      [
        'init',
        '--domain',
        'acme.eu.auth0.com',
        '--audience',
        'https://api.example.com',
        '--claim-namespace',
        'https://saas.example.com/',
        '--callbacks',
        'https://{tenant}.app.example.com/cb',
      ],
      { cwd, port },
    );
    writeFileSync(join(cwd, 'tenants.yaml'), 'tenants:\n  - acme\n  - tenant: globex\n    name: Globex Corporation\n');
    check('plan', (await runWithFakeContext(['--json', 'sync', 'tenants.yaml', '--dry-run'], { cwd, port })).stdout);
    check('result', (await runWithFakeContext(['--json', 'sync', 'tenants.yaml'], { cwd, port })).stdout);
    check('plan', (await runWithFakeContext(['--json', 'create', 'acme', 'initech', '--dry-run'], { cwd, port })).stdout);
    check('result', (await runWithFakeContext(['--json', 'create', 'acme', 'initech'], { cwd, port })).stdout);
    check('doctor', (await runWithFakeContext(['--json', 'doctor'], { cwd, port })).stdout);
  });

  it('describe what every other command prints: init, list, show, emit, users, delete, verify-token and its --batch lines', async () => {
    const dir = tempDir('tenants-shapes-');
    dirs.push(dir);
    const cwd = dir.path;
    const port = new FakePort();
    const run = async (args: string[], stdin?: string) => {
      const result = await runWithFakeContext(['--json', ...args], { cwd, port, ...(stdin === undefined ? {} : { stdin }) });
      if (result.error) expect((result.error as { code: string }).code, `${args.join(' ')}: ${String(result.error)}`).toBe('rejected');
      return result.stdout;
    };
    const initArgs = ['init', '--domain', 'acme.eu.auth0.com', '--audience', 'https://api.example.com', '--claim-namespace', 'https://saas.example.com/'];
    check('init', await run([...initArgs, '--callbacks', 'https://{tenant}.app.example.com/cb', '--dry-run']));
    check('init', await run([...initArgs, '--callbacks', 'https://{tenant}.app.example.com/cb']));
    await run(['create', 'acme', 'globex']);
    check('list', await run(['list']));
    check('show', await run(['show', 'acme']));
    check('emit', await run(['emit', '--all']));
    port.users.push({ user_id: 'auth0|ann', email: 'ann@acme.example', app_metadata: {} } as never);
    check('users', await run(['users', 'add', 'acme', 'ann@acme.example']));
    check('users-list', await run(['users', 'list', 'acme']));
    check('users-invite', await run(['users', 'invite', 'acme', 'ann@acme.example', 'ben@acme.example']));
    check('users', await run(['users', 'remove', 'acme', 'ann@acme.example']));

    // verify-token: one accepted and one rejected token, alone and as --batch lines.
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    writeFileSync(join(cwd, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    const settings = JSON.parse(readFileSync(join(cwd, 'tenants', 'acme', 'tenant.json'), 'utf8')) as Record<string, unknown>;
    const token = await new SignJWT({ azp: settings['clientId'], [String(settings['tenantClaim'])]: 'acme' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(String(settings['issuer']))
      .setAudience('https://api.example.com')
      .setSubject('auth0|ann')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const verify = ['verify-token', '--config', 'tenants/acme/tenant.json', '--jwks', join(cwd, 'jwks.json')];
    const accepted = await run([...verify, token]);
    check('verdict', accepted);
    expect(JSON.parse(accepted)).toMatchObject({ valid: true, tenant: 'acme' });
    check('verdict', await run([...verify, 'not-a-token']));
    const lines = (await run([...verify, '--batch'], `${token}\nnot-a-token\n`)).trim().split('\n');
    expect(lines).toHaveLength(2);
    lines.forEach((line) => check('verdict-line', line));

    check('delete', await run(['delete', 'globex', '--yes']));
  });

  it('describe what the commands print under the organizations strategy too', async () => {
    const dir = tempDir('tenants-shapes-org-');
    dirs.push(dir);
    const cwd = dir.path;
    const port = new FakePort();
    const run = async (args: string[]) => {
      const result = await runWithFakeContext(['--json', ...args], { cwd, port });
      expect(result.error, `${args.join(' ')}: ${String(result.error)}`).toBeUndefined();
      return result.stdout;
    };
    const initArgs = ['init', '--domain', 'acme.eu.auth0.com', '--audience', 'https://api.example.com', '--claim-namespace', 'https://saas.example.com/'];
    const orgs = ['--strategy', 'organizations', '--login-uri', 'https://app.example.com/login', '--callbacks', 'https://{tenant}.app.example.com/cb'];
    check('init', await run([...initArgs, ...orgs]));
    check('plan', await run(['create', 'acme', 'globex', '--dry-run']));
    check('result', await run(['create', 'acme', 'globex']));
    check('list', await run(['list']));
    check('show', await run(['show', 'acme']));
    check('emit', await run(['emit', '--all']));
    port.users.push({ user_id: 'auth0|ann', email: 'ann@acme.example', app_metadata: {} } as never);
    check('users', await run(['users', 'add', 'acme', 'ann@acme.example']));
    check('users-list', await run(['users', 'list', 'acme']));
    check('users-invite', await run(['users', 'invite', 'acme', 'ben@acme.example']));
    check('delete', await run(['delete', 'globex', '--dry-run']));
    check('delete', await run(['delete', 'globex', '--yes']));
    check('doctor', await run(['doctor']));
  });
});
