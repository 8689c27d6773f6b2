import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWithFakeContext } from '../helpers/fake-context.js';
import { FakePort } from '../helpers/fake-port.js';
import { tempDir } from '../helpers/workspace.js';

const dirs: { remove: () => void }[] = [];
const workspace = () => {
  const d = tempDir('tenants-options-');
  dirs.push(d);
  return d.path;
};
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const initArgs = ['init', '--domain', 'acme.eu.auth0.com', '--audience', 'https://api.example.com', '--claim-namespace', 'https://saas.example.com/'];

/** A project with acme and globex created, on a fresh fake Auth0. */
async function project() {
  const cwd = workspace();
  const port = new FakePort();
  await runWithFakeContext([...initArgs, '--callbacks', 'https://{tenant}.app.example.com/cb'], { cwd, port });
  await runWithFakeContext(['create', 'acme', 'globex'], { cwd, port });
  writeFileSync(join(cwd, 'tenants.yaml'), 'tenants:\n  - acme\n');
  port.calls.splice(0);
  return { cwd, port };
}

describe('options are parsed by one zod schema per command', () => {
  it.each([
    [['sync', 'tenants.yaml', '--max-rps', '0'], '--max-rps', 'above 0'],
    [['sync', 'tenants.yaml', '--concurrency', 'lots'], '--concurrency', 'from 1 to 64'],
    [['sync', 'tenants.yaml', '--application-limit', '2.5'], '--application-limit', 'whole number'],
    [['verify-token', '--tenant', 'Acme'], '--tenant', 'tenant id'],
    [['verify-token', '--tenant', 'acme', '--at', 'yesterday'], '--at', 'ISO time'],
    [['verify-token', '--tenant', 'acme', '--jwks', 'ftp://keys.example.com/jwks.json'], '--jwks', 'https URL'],
    [['users', 'add', 'acme', 'ann@acme.example', '--file', ' '], '--file', 'path'],
    [['list', '--config', ''], '--config', 'path'],
    [['emulator', '--port', '70000'], '--port', 'from 0 to 65535'],
  ])('%j is invalid_option (exit 2) naming the flag and the fix, with nothing sent', async (args, flag, fix) => {
    const { cwd, port } = await project();
    const run = await runWithFakeContext(args, { cwd, port });
    expect(run.error).toMatchObject({ code: 'invalid_option', kind: 'usage', exitCode: 2, details: { flag } });
    expect((run.error as Error).message).toContain(flag);
    expect((run.error as { hint: string }).hint).toContain(fix);
    expect(port.calls).toEqual([]);
  });

  it('init refuses a bad flag value before writing anything, with the rule of the config file', async () => {
    const cwd = workspace();
    const port = new FakePort();
    const run = await runWithFakeContext(['init', '--domain', 'acme.eu.auth0.com', '--audience', 'https://api.example.com', '--claim-namespace', 'http://x/'], {
      cwd,
      port,
    });
    expect(run.error).toMatchObject({ code: 'invalid_option', details: { flag: '--claim-namespace' } });
    expect((run.error as { hint: string }).hint).toContain('--claim-namespace https://saas.example.com/');
    expect(readdirSync(cwd)).toEqual([]);
    expect(port.calls).toEqual([]);
  });
});

describe('one confirmation for every destructive step', () => {
  it('sync --prune and delete: refused off a terminal (confirmation_required), asked on one, --yes confirms', async () => {
    const { cwd, port } = await project();
    const refused = await runWithFakeContext(['sync', 'tenants.yaml', '--prune'], { cwd, port });
    expect(refused.error).toMatchObject({ code: 'confirmation_required', kind: 'usage' });
    expect((refused.error as { hint: string }).hint).toContain('--yes');
    const deleteRefused = await runWithFakeContext(['delete', 'globex'], { cwd, port });
    expect(deleteRefused.error).toMatchObject({ code: 'confirmation_required', kind: 'usage' });
    // Nothing was sent for the refused delete (the rule applies before Auth0 is read); nothing deleted either way.
    expect(port.calls.filter((c) => c.startsWith('delete'))).toEqual([]);

    const declined = await runWithFakeContext(['sync', 'tenants.yaml', '--prune'], { cwd, port, interactive: true, answers: ['n'] });
    expect(declined.error).toMatchObject({ code: 'cancelled', kind: 'cancelled' });
    expect(declined.prompts).toEqual([expect.stringContaining('globex')]);
    expect(port.clients.map((c) => c.client_metadata?.['tenant']).sort()).toEqual(['acme', 'globex']);

    const pruned = await runWithFakeContext(['sync', 'tenants.yaml', '--prune', '--yes'], { cwd, port });
    expect(pruned.error).toBeUndefined();
    expect(port.clients.map((c) => c.client_metadata?.['tenant'])).toEqual(['acme']);
    expect(existsSync(join(cwd, 'tenants', 'globex', 'tenant.json'))).toBe(false);
  });
});
