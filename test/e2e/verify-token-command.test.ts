import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeVectors, type VectorGroup } from '../helpers/token-vectors.js';
import { tempDir } from '../helpers/workspace.js';

const work = tempDir('tenants-verify-');
let groups: VectorGroup[];
let close: () => Promise<void>;
beforeAll(async () => {
  ({ groups, close } = await makeVectors(work.path));
});
afterAll(async () => {
  await close();
  work.remove();
});

const vector = (name: string) => groups[0]!.vectors.find((v) => v.name === name)!.token;

describe('tenants verify-token, as a developer uses it', () => {
  it('reads the token from the argument or stdin and prints a checklist', async () => {
    const settingsFile = groups[0]!.settingsFile;
    const fromArg = await runCli(['verify-token', '--config', settingsFile, vector('valid')]);
    expect(fromArg.code).toBe(0);
    expect(fromArg.stdout).toContain('ACCEPTED for tenant acme');
    const fromStdin = await runCli(['verify-token', '--config', settingsFile, '-'], { input: vector('another tenant') });
    expect(fromStdin.code).toBe(3);
    expect(fromStdin.stdout).toContain('REJECTED [wrong_tenant]');
    expect(fromStdin.stdout).toContain('belongs to tenant "globex"');
    expect(fromStdin.stdout).toMatch(/✗ tenant\s+expected acme, got globex/);
  });

  it('evaluates at another moment with --at, and works offline with --jwks <file>', async () => {
    const settingsFile = groups[0]!.settingsFile;
    const later = await runCli(['verify-token', '--config', settingsFile, '--at', new Date(Date.now() + 7200_000).toISOString(), '--json', vector('valid')]);
    expect(later.code).toBe(3);
    expect(JSON.parse(later.stdout)).toMatchObject({ valid: false, code: 'expired' });

    const jwks = await (await fetch((JSON.parse((await import('node:fs')).readFileSync(settingsFile, 'utf8')) as { jwksUri: string }).jwksUri)).text();
    const file = join(work.path, 'jwks.json');
    writeFileSync(file, jwks);
    const offline = await runCli(['verify-token', '--config', settingsFile, '--jwks', file, '--json', vector('valid')]);
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ valid: true, code: null, tenant: 'acme' });
  });

  it('answers bad usage with 2 and an unreachable key set with 1', async () => {
    const settingsFile = groups[0]!.settingsFile;
    expect((await runCli(['verify-token', vector('valid')])).code).toBe(2);
    expect((await runCli(['verify-token', '--config', settingsFile, '--at', 'yesterday', vector('valid')])).code).toBe(2);
    const insecure = await runCli(['verify-token', '--config', settingsFile, '--jwks', 'http://keys.example.com/jwks', vector('valid')]);
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toContain('insecure_jwks_uri');
    const broken = join(work.path, 'broken.json');
    writeFileSync(broken, JSON.stringify({ schemaVersion: 1, tenant: 'acme' }));
    const invalid = await runCli(['verify-token', '--config', broken, vector('valid')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('issuer');
    const unreachable = await runCli(['verify-token', '--config', settingsFile, '--jwks', 'https://127.0.0.1:1/jwks', vector('valid')]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('jwks_unreachable');
  });

  it('--batch checks one token per line: one line each, NDJSON with --json, exit 3 when any is rejected', async () => {
    const settingsFile = groups[0]!.settingsFile;
    const lines = [vector('valid'), '', `Bearer ${vector('valid')}`, vector('another tenant'), 'Bearer undefined', vector('expired')].join('\n');
    const human = await runCli(['verify-token', '--config', settingsFile, '--batch'], { input: lines });
    expect(human.code).toBe(3);
    expect(human.stdout.trim().split('\n')).toEqual([
      '1\tACCEPTED\tacme',
      '3\tACCEPTED\tacme',
      expect.stringMatching(/^4\tREJECTED\twrong_tenant\t/),
      expect.stringMatching(/^5\tREJECTED\tmissing_token\t/),
      expect.stringMatching(/^6\tREJECTED\texpired\t/),
    ]);
    const json = await runCli(['verify-token', '--config', settingsFile, '--batch', '--json'], { input: `${lines}\n` });
    expect(json.code).toBe(3);
    const verdicts = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; valid: boolean; code: string | null });
    expect(verdicts.map((v) => [v.line, v.code])).toEqual([
      [1, null],
      [3, null],
      [4, 'wrong_tenant'],
      [5, 'missing_token'],
      [6, 'expired'],
    ]);
    const allGood = await runCli(['verify-token', '--config', settingsFile, '--batch', '--json'], { input: `${vector('valid')}\n${vector('valid')}\n` });
    expect(allGood.code).toBe(0);
    expect(allGood.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('--json prints exactly one verdict whatever the token (deep nesting, huge numbers, a BOM, no token)', async () => {
    const settingsFile = groups[0]!.settingsFile;
    const [h, , s] = vector('valid').split('.') as [string, string, string];
    const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
    const hostile = {
      'nested 1,000 levels': `${h}.${b64(`{"a":${'['.repeat(1000)}${']'.repeat(1000)}}`)}.${s}`,
      'exp with 5,000 digits': `${h}.${b64(`{"exp":${'9'.repeat(5000)}}`)}.${s}`,
      'a BOM': `${h}.${b64(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"exp":1}')]))}.${s}`,
      'Bearer undefined': 'Bearer undefined',
      empty: '',
      crit: `${b64(JSON.stringify({ alg: 'RS256', crit: ['exp'] }))}.${b64('{}')}.${s}`,
    };
    const codes: Record<string, string | null> = {};
    for (const [name, token] of Object.entries(hostile)) {
      const result = await runCli(['verify-token', '--config', settingsFile, '--json'], { input: token });
      expect(result.code, name).toBe(3);
      codes[name] = (JSON.parse(result.stdout) as { code: string | null }).code;
    }
    expect(codes).toEqual({
      'nested 1,000 levels': 'malformed',
      'exp with 5,000 digits': 'malformed',
      'a BOM': 'malformed',
      'Bearer undefined': 'missing_token',
      empty: 'missing_token',
      crit: 'malformed',
    });
  });

  it('--tenant with a malformed tenants.config.json is a usage error (exit 2) naming the problem', async () => {
    const dir = join(work.path, 'bad-config');
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tenants.config.json'), '{"domain": ');
    const broken = await runCli(['verify-token', '--tenant', 'acme', '--json'], { cwd: dir, input: vector('valid') });
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stdout)).toMatchObject({ error: { code: 'config_invalid' } });
    writeFileSync(join(dir, 'tenants.config.json'), JSON.stringify({ outputDir: 7 }));
    const wrongType = await runCli(['verify-token', '--tenant', 'acme'], { cwd: dir, input: vector('valid') });
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('config_invalid');
  });

  it('notes that a token given as an argument shows in ps and the shell history', async () => {
    const result = await runCli(['verify-token', '--config', groups[0]!.settingsFile, vector('valid')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('pipe it on stdin');
  });
});
