import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collect } from '../helpers/cli.js';
import { tempDir } from '../helpers/workspace.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'scripts', 'src', 'templates', 'spec'];

// A copy of the sources with no dist/ (as a clean clone has), so `npm pack` must build it itself and the
// repository's own dist/ is never rewritten under the other tests.
describe('the published package', () => {
  it('packs with dist/ from a clean tree, installs globally and runs --help and the demo', async () => {
    const work = tempDir('tenants-pack-test-');
    try {
      const tree = join(work.path, 'tree');
      for (const entry of SOURCES) cpSync(join(ROOT, entry), join(tree, entry), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
      expect(existsSync(join(tree, 'dist'))).toBe(false);
      execFileSync('npm', ['pack', '--silent', '--pack-destination', work.path], { cwd: tree, stdio: 'pipe' });
      const tarball = readdirSync(work.path).find((f) => f.endsWith('.tgz'));
      expect(tarball).toBeDefined();

      const prefix = join(work.path, 'prefix');
      execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work.path, tarball!)], {
        stdio: 'pipe',
      });
      const tenants = join(prefix, 'bin', 'tenants');
      const help = await collect(tenants, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: tenants');

      const demo = await collect(tenants, ['demo', '--json', '--dir', join(work.path, 'demo')], {
        cwd: work.path,
        env: { CI: 'true', NO_COLOR: '1', AUTH0_DOMAIN: '', AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: '' },
      });
      expect(demo.code, demo.stderr).toBe(0);
      expect((JSON.parse(demo.stdout) as { verdicts: unknown }).verdicts).toEqual({ acme: true, globex: false });
    } finally {
      work.remove();
    }
  }, 180_000);
});
