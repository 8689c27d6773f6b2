import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runPython } from '../helpers/python.js';
import { makeVectors, type VectorGroup } from '../helpers/token-vectors.js';
import { tempDir } from '../helpers/workspace.js';

const work = tempDir('tenants-vectors-');
let groups: VectorGroup[];
let resetRotation: () => void;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ groups, resetRotation, close } = await makeVectors(work.path));
});
afterAll(async () => {
  await close();
  work.remove();
});

describe('one set of token vectors, two verifiers', () => {
  // First: the vectors are minted at load time, and one of them is only 3 s inside the leeway.
  it('the generated tenant_auth.py gives every vector the same code', async () => {
    const moduleDir = join(work.path, 'module');
    mkdirSync(moduleDir, { recursive: true });
    copyFileSync(fileURLToPath(new URL('../../templates/tenant_auth.py', import.meta.url)), join(moduleDir, 'tenant_auth.py'));
    const vectorsFile = join(work.path, 'vectors.json');
    writeFileSync(vectorsFile, JSON.stringify(groups));
    resetRotation();
    const script = fileURLToPath(new URL('../python/run_vectors.py', import.meta.url));
    const result = await runPython([script, moduleDir, vectorsFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(Object.fromEntries(groups.flatMap((g) => g.vectors.map((v) => [v.name, v.expected]))));
  });

  it('tenants verify-token gives every vector its expected verdict and exit code', async () => {
    const seen: Record<string, string | null> = {};
    for (const group of groups) {
      for (const vector of group.vectors) {
        resetRotation();
        const result = await runCli(['verify-token', '--config', group.settingsFile, '--json'], { input: vector.token });
        expect(result.stderr, vector.name).toBe('');
        const verdict = JSON.parse(result.stdout) as { valid: boolean; code: string | null; checks: { name: string }[] };
        seen[vector.name] = verdict.code;
        expect(result.code, vector.name).toBe(vector.expected === null ? 0 : 3);
        expect(verdict.checks.map((c) => c.name)).toEqual([
          'format',
          'algorithm',
          'key',
          'signature',
          'issuer',
          'audience',
          'expiry',
          'not-before',
          'application',
          'tenant',
        ]);
      }
    }
    expect(seen).toEqual(Object.fromEntries(groups.flatMap((g) => g.vectors.map((v) => [v.name, v.expected]))));
  });

  it('an unreachable key set is an error of its own, not a verdict, in both', async () => {
    const settings = JSON.parse((await import('node:fs')).readFileSync(groups[0]!.settingsFile, 'utf8')) as Record<string, unknown>;
    const file = join(work.path, 'unreachable.json');
    writeFileSync(file, JSON.stringify({ ...settings, jwksUri: 'http://127.0.0.1:1/jwks' }));
    const token = groups[0]!.vectors[0]!.token;
    const cli = await runCli(['verify-token', '--config', file, token]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('jwks_unreachable');
    const moduleDir = join(work.path, 'module-unreachable');
    mkdirSync(moduleDir, { recursive: true });
    copyFileSync(fileURLToPath(new URL('../../templates/tenant_auth.py', import.meta.url)), join(moduleDir, 'tenant_auth.py'));
    const vectorsFile = join(work.path, 'unreachable-vectors.json');
    writeFileSync(vectorsFile, JSON.stringify([{ settingsFile: file, vectors: [{ name: 'any', token, expected: null }] }]));
    const result = await runPython([fileURLToPath(new URL('../python/run_vectors.py', import.meta.url)), moduleDir, vectorsFile]);
    expect(JSON.parse(result.stdout)).toEqual({ any: 'key_set_unavailable' });
  });
});
