import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { testEmulator } from '../helpers/emulator.js';
import { runInPty } from '../helpers/pty.js';
import { credentialsEnv, snapshot, tempDir, writes } from '../helpers/workspace.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await testEmulator({ actionBuildMs: 100 });
});
afterAll(() => emulator.close());

describe('in a real terminal', () => {
  it('tenants init prompts for what is missing and completes', async () => {
    const work = tempDir('tenants-pty-');
    try {
      const env = { ...credentialsEnv(emulator), CI: '' };
      const session = runInPty(['init', '--domain', emulator.domain], { cwd: work.path, env });
      await session.waitFor('Shared API identifier');
      session.type('https://api.pty.example.com\r');
      await session.waitFor('Claim namespace');
      session.type('not-a-url\r');
      await session.waitFor('must be an https:// URL');
      // Clear the rejected answer, then give a valid one.
      session.type('\u0015'.repeat(1) + '\b'.repeat(20) + 'https://pty.example.com/\r');
      // The SPA's URLs: the callbacks typed, logout URLs and web origins taken from the suggested defaults.
      await session.waitFor('SPA callback URL');
      session.type('https://{tenant}.pty.example.com/callback\r');
      await session.waitFor('SPA logout URL');
      session.type('\r');
      await session.waitFor('SPA web origin');
      session.type('\r');
      expect(await session.exited).toBe(0);
      expect(session.screen()).toContain('Initialised');
      expect(JSON.parse(readFileSync(join(work.path, 'tenants.config.json'), 'utf8'))).toMatchObject({
        audience: 'https://api.pty.example.com',
        claimNamespace: 'https://pty.example.com/',
        application: {
          callbacks: ['https://{tenant}.pty.example.com/callback'],
          logoutUrls: ['https://{tenant}.pty.example.com/callback'],
          webOrigins: ['https://{tenant}.pty.example.com'],
        },
      });
    } finally {
      work.remove();
    }
  });

  it('Ctrl-C at a prompt exits 130 and leaves nothing half-done', async () => {
    const work = tempDir('tenants-pty-');
    try {
      const mark = emulator.requests.length;
      const session = runInPty(['init', '--domain', emulator.domain], { cwd: work.path, env: { ...credentialsEnv(emulator), CI: '' } });
      await session.waitFor('Shared API identifier');
      session.type('https://api.cancelled.example.com\r');
      await session.waitFor('Claim namespace');
      session.type('\u0003');
      expect(await session.exited).toBe(130);
      expect(snapshot(work.path)).toEqual({});
      expect(emulator.requests.length).toBe(mark);
    } finally {
      work.remove();
    }
  });

  it('tenants delete asks before deleting and keeps everything on "no"', async () => {
    const work = tempDir('tenants-pty-');
    try {
      const env = credentialsEnv(emulator);
      const { runCli } = await import('../helpers/cli.js');
      expect(
        (
          await runCli(
            ['init', '--no-input', '--domain', emulator.domain, '--audience', 'https://api.del.example.com', '--claim-namespace', 'https://del.example.com/'],
            { cwd: work.path, env },
          )
        ).code,
      ).toBe(0);
      expect((await runCli(['create', 'acme'], { cwd: work.path, env })).code).toBe(0);
      const mark = emulator.requests.length;
      const no = runInPty(['delete', 'acme'], { cwd: work.path, env: { ...env, CI: '' } });
      await no.waitFor('Delete tenant acme');
      no.type('n\r');
      expect(await no.exited).toBe(130);
      expect(writes(emulator, mark)).toEqual([]);
      expect(existsSync(join(work.path, 'tenants', 'acme', 'tenant.json'))).toBe(true);

      const yes = runInPty(['delete', 'acme'], { cwd: work.path, env: { ...env, CI: '' } });
      await yes.waitFor('Delete tenant acme');
      yes.type('y\r');
      expect(await yes.exited).toBe(0);
      expect(existsSync(join(work.path, 'tenants', 'acme'))).toBe(false);
    } finally {
      work.remove();
    }
  });
});
