import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWithFakeContext } from '../helpers/fake-context.js';
import { FakePort } from '../helpers/fake-port.js';
import { snapshot, tempDir } from '../helpers/workspace.js';

const dirs: { remove: () => void }[] = [];
const workspace = () => {
  const d = tempDir('tenants-cmd-');
  dirs.push(d);
  return d.path;
};
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const initArgs = ['init', '--domain', 'acme.eu.auth0.com', '--audience', 'https://api.example.com', '--claim-namespace', 'https://saas.example.com/'];

describe('commands on a fake context', () => {
  it('init prompts on a terminal only for what is missing, and writes the config with its schema', async () => {
    const cwd = workspace();
    const run = await runWithFakeContext(['init', '--domain', 'acme.eu.auth0.com'], {
      cwd,
      interactive: true,
      answers: ['https://api.example.com', 'https://saas.example.com/', 'https://{tenant}.app.example.com/callback', '', ''],
    });
    expect(run.error).toBeUndefined();
    expect(run.prompts).toHaveLength(5);
    expect(run.prompts.slice(2).map((p) => p.split(' ')[1])).toEqual(['callback', 'logout', 'web']);
    const config = JSON.parse(readFileSync(join(cwd, 'tenants.config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ $schema: './tenants.config.schema.json', audience: 'https://api.example.com' });
    // The SPA's URLs: logout URLs default to the callbacks, web origins to their origins.
    expect(config['application']).toMatchObject({
      callbacks: ['https://{tenant}.app.example.com/callback'],
      logoutUrls: ['https://{tenant}.app.example.com/callback'],
      webOrigins: ['https://{tenant}.app.example.com'],
    });
    const again = await runWithFakeContext(['init'], { cwd, interactive: true });
    expect(again.error).toBeUndefined();
    expect(again.prompts).toEqual([]);
  });

  it('init takes the SPA URLs as flags without a terminal, and refuses a bad one naming its flag', async () => {
    const cwd = workspace();
    const run = await runWithFakeContext([...initArgs, '--callbacks', 'https://{tenant}.app.example.com/cb, http://localhost:5173/{tenant}/'], { cwd });
    expect(run.error).toBeUndefined();
    const config = JSON.parse(readFileSync(join(cwd, 'tenants.config.json'), 'utf8')) as { application: Record<string, string[]> };
    expect(config.application).toMatchObject({
      callbacks: ['https://{tenant}.app.example.com/cb', 'http://localhost:5173/{tenant}/'],
      webOrigins: ['https://{tenant}.app.example.com', 'http://localhost:5173'],
    });
    const bad = await runWithFakeContext([...initArgs, '--web-origins', 'not a url'], { cwd: workspace() });
    expect(bad.error).toMatchObject({ code: 'invalid_option', kind: 'usage' });
    expect((bad.error as Error).message).toContain('--web-origins');
    const schema = JSON.parse(readFileSync(join(cwd, 'tenants.config.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['domain', 'audience', 'claimNamespace', 'application', 'outputDir']));
  });

  it('init without a terminal names the missing flag and writes nothing', async () => {
    const cwd = workspace();
    const port = new FakePort();
    const run = await runWithFakeContext(['init', '--domain', 'acme.eu.auth0.com', '--audience', 'https://api.example.com'], { cwd, port });
    expect(run.error).toMatchObject({ code: 'missing_option', kind: 'usage' });
    expect((run.error as Error).message).toContain('--claim-namespace');
    expect(snapshot(cwd)).toEqual({});
    expect(port.calls).toEqual([]);
  });

  it('--json prints exactly one document; --dry-run changes nothing', async () => {
    const cwd = workspace();
    const port = new FakePort();
    const dry = await runWithFakeContext([...initArgs, '--dry-run', '--json'], { cwd, port });
    expect(dry.error).toBeUndefined();
    const doc = JSON.parse(dry.stdout) as { dryRun: boolean; steps: { action: string }[] };
    expect(doc.dryRun).toBe(true);
    expect(doc.steps.map((s) => s.action)).toEqual(['create', 'create', 'create']);
    expect(port.calls.every((c) => /^(find|list|get)/.test(c))).toBe(true);
    expect(snapshot(cwd)).toEqual({});

    const real = await runWithFakeContext([...initArgs, '--json'], { cwd, port });
    expect(real.error).toBeUndefined();
    expect(() => JSON.parse(real.stdout)).not.toThrow();
    const created = await runWithFakeContext(['create', 'acme', '--json'], { cwd, port });
    const result = JSON.parse(created.stdout) as { tenants: { clientId: string; files: Record<string, string> }[] };
    expect(result.tenants[0]!.files).toEqual({
      'tenant.json': 'created',
      'backend.env': 'created',
      'spa.env': 'created',
      'tenant_auth.py': 'created',
      'tenant_auth.mjs': 'created',
    });
    expect(created.stdout + created.stderr).not.toContain('fake-secret');
    expect(existsSync(join(cwd, 'tenants', 'acme', 'tenant.json'))).toBe(true);
  });

  it('sync, create and doctor agree: a name set by a manifest is no drift for create or doctor', async () => {
    const cwd = workspace();
    const port = new FakePort();
    expect((await runWithFakeContext(initArgs, { cwd, port })).error).toBeUndefined();
    writeFileSync(join(cwd, 'tenants.yaml'), 'tenants:\n  - tenant: globex\n    name: Globex Corporation\n');
    expect((await runWithFakeContext(['sync', 'tenants.yaml'], { cwd, port })).error).toBeUndefined();
    expect(port.clients.map((c) => c.name)).toEqual(['Globex Corporation']);

    const plan = await runWithFakeContext(['--json', 'create', 'globex', '--dry-run'], { cwd, port });
    expect(JSON.parse(plan.stdout)).toMatchObject({ schemaVersion: 1, dryRun: true, counts: { create: 0, update: 0, unchanged: 1 } });
    const calls = port.calls.length;
    const created = await runWithFakeContext(['--json', 'create', 'globex'], { cwd, port });
    expect(created.error).toBeUndefined();
    expect(JSON.parse(created.stdout)).toMatchObject({ schemaVersion: 1, changed: false, counts: { created: 0, updated: 0, unchanged: 1 } });
    expect(port.calls.slice(calls).filter((c) => !/^(find|list|get|search)/.test(c))).toEqual([]);
    expect(port.clients.map((c) => c.name)).toEqual(['Globex Corporation']);

    const doctor = await runWithFakeContext(['--json', 'doctor'], { cwd, port });
    expect(JSON.parse(doctor.stdout)).toMatchObject({ schemaVersion: 1, healthy: true });
    expect((JSON.parse(doctor.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).not.toContain('application_drift');

    // A dashboard rename is drift for all three.
    port.clients[0]!.name = 'Renamed';
    const drifted = await runWithFakeContext(['--json', 'doctor'], { cwd, port });
    expect((JSON.parse(drifted.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain('application_drift');
    const repaired = await runWithFakeContext(['--json', 'create', 'globex'], { cwd, port });
    expect(JSON.parse(repaired.stdout)).toMatchObject({ counts: { updated: 1 }, tenants: [{ tenant: 'globex', changes: ['name'] }] });
    expect(port.clients.map((c) => c.name)).toEqual(['Globex Corporation']);
  });

  it('delete refuses without --yes off a terminal, and a declined prompt is a cancel', async () => {
    const cwd = workspace();
    const port = new FakePort();
    await runWithFakeContext(initArgs, { cwd, port });
    await runWithFakeContext(['create', 'acme'], { cwd, port });
    const refused = await runWithFakeContext(['delete', 'acme'], { cwd, port });
    expect(refused.error).toMatchObject({ code: 'confirmation_required', kind: 'usage' });
    const declined = await runWithFakeContext(['delete', 'acme'], { cwd, port, interactive: true, answers: ['n'] });
    expect(declined.error).toMatchObject({ kind: 'cancelled' });
    expect(port.clients).toHaveLength(1);
    const confirmed = await runWithFakeContext(['delete', 'acme'], { cwd, port, interactive: true, answers: ['y'] });
    expect(confirmed.error).toBeUndefined();
    expect(port.clients).toHaveLength(0);
  });
});
