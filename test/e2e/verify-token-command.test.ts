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
});
