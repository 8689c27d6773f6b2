import { collect } from '../helpers/cli.js';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, runCli } from '../helpers/cli.js';

import { testEmulator } from '../helpers/emulator.js';
import { credentialsEnv, tempDir, writes } from '../helpers/workspace.js';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { if: string; steps: Step[] }>;
}

/** The GitHub Actions recipe exactly as the README gives it. */
function readmeRecipe(): Workflow {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const block = /```yaml\n(# \.github\/workflows\/tenants\.yml\n[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no .github/workflows/tenants.yml block');
  return parse(block[1]!) as Workflow;
}

describe('the README CI recipe', () => {
  it('runs in order against the emulator: the plan on a pull request, the apply on main, then a plan with nothing pending', async () => {
    const recipe = readmeRecipe();
    expect(Object.keys(recipe.jobs)).toEqual(['plan', 'apply']);
    expect(JSON.stringify(recipe)).not.toMatch(/AUTH0_CLIENT_SECRET: (?!\$\{\{ secrets\.)/); // credentials only from secrets

    const emulator = await testEmulator({ plan: 'enterprise' });
    const repo = tempDir('tenants-ci-recipe-');
    const bin = join(repo.path, '.shims');
    try {
      const secrets: Record<string, string> = { AUTH0_DOMAIN: emulator.domain, AUTH0_CLIENT_ID: emulator.clientId, AUTH0_CLIENT_SECRET: emulator.clientSecret };
      // The repository: its config (made once by `tenants init`) and its manifest.
      const init = await runCli(
        ['init', '--no-input', '--domain', emulator.domain, '--audience', 'https://api.recipe.example.com', '--claim-namespace', 'https://recipe.example.com/'],
        { cwd: repo.path, env: credentialsEnv(emulator) },
      );
      expect(init.code, init.stderr).toBe(0);
      writeFileSync(join(repo.path, 'tenants.yaml'), 'tenants:\n  - acme\n  - globex\n  - initech\n');
      // What the runner provides: `npx tenants` (the package is a devDependency), and `gh`, recorded here.
      mkdirSync(bin);
      writeFileSync(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = tenants ] || exit 127\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
      writeFileSync(join(bin, 'gh'), `#!/bin/sh\necho "$@" >> "${join(repo.path, 'gh-calls.txt')}"\n`);
      chmodSync(join(bin, 'npx'), 0o755);
      chmodSync(join(bin, 'gh'), 0o755);

      const expression = (text: string): string =>
        text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
          if (expr.startsWith('secrets.')) return secrets[expr.slice(8)] ?? '';
          if (expr === 'github.token') return 'gh-token';
          if (expr === 'github.event.pull_request.number') return '42';
          throw new Error(`unexpected expression ${expr}`);
        });
      /** Runs one job's steps as the runner would (bash -eo pipefail, $GITHUB_OUTPUT per step, `if:` on outputs). */
      const runJob = async (job: string) => {
        const outputs: Record<string, Record<string, string>> = {};
        const summary = join(repo.path, `summary-${job}.md`);
        const ran: { name: string; code: number | null; stderr: string }[] = [];
        for (const step of recipe.jobs[job]!.steps) {
          if (step.uses || step.run === 'npm ci') continue; // checkout, setup-node, npm ci: the repository is already here
          if (step.if) {
            const condition = /^steps\.(\w+)\.outputs\.(\w+) == '(\w+)'$/.exec(step.if);
            if (!condition) throw new Error(`unexpected condition ${step.if}`);
            if (outputs[condition[1]!]?.[condition[2]!] !== condition[3]) continue;
          }
          const outputFile = join(repo.path, `output-${job}-${ran.length}`);
          writeFileSync(outputFile, '');
          const env = {
            ...process.env,
            CI: 'true',
            NO_COLOR: '1',
            PATH: `${bin}:${process.env['PATH']}`,
            GITHUB_OUTPUT: outputFile,
            GITHUB_STEP_SUMMARY: summary,
            ...Object.fromEntries(Object.entries({ ...recipe.env, ...step.env }).map(([k, v]) => [k, expression(v)])),
          };
          // Asynchronously: the emulator answers from this process.
          const result = await collect('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expression(step.run!)], { cwd: repo.path, env });
          ran.push({ name: step.name ?? step.run!, code: result.code, stderr: result.stderr });
          expect(result.code, `${job} / ${step.name ?? step.run}: ${result.stderr}`).toBe(0);
          if (step.id)
            outputs[step.id] = Object.fromEntries(
              readFileSync(outputFile, 'utf8')
                .split('\n')
                .filter(Boolean)
                .map((l) => l.split('=', 2) as [string, string]),
            );
        }
        return { outputs, ran, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
      };

      // A pull request: the plan, commented; nothing is written to Auth0.
      const mark = emulator.requests.length;
      const pr = await runJob('plan');
      expect(pr.outputs['plan']).toEqual({ pending: 'true' });
      expect(writes(emulator, mark)).toEqual([]);
      const plan = readFileSync(join(repo.path, 'plan.md'), 'utf8');
      expect(plan).toContain('### `tenants init` plan: no changes');
      expect(plan).toContain('### `tenants sync` plan: 3 applications to create, 3 client grants to create');
      expect(plan).toMatch(/#### Applications\n\n\| \| action \| id \| details \|\n\| --- \| --- \| --- \| --- \|\n\| acme \| ➕ create \|/);
      expect(plan).toContain('#### Client grants');
      expect(readFileSync(join(repo.path, 'gh-calls.txt'), 'utf8')).toBe('pr comment 42 --body-file plan.md --edit-last --create-if-none\n');
      expect(plan).not.toContain(emulator.clientSecret);

      // Merged to main: the apply, then doctor.
      const main = await runJob('apply');
      expect(main.ran.map((r) => r.name)).toEqual(['Apply', 'Check']);
      expect(main.summary).toContain('### `tenants sync` result: 3 applications created');
      const ours = Object.values(emulator.tenant.state.data.clients).filter(
        (c) => (c['client_metadata'] as Record<string, unknown> | undefined)?.['tenants_managed_by'] === 'auth0-tenants',
      );
      expect(ours.map((c) => (c['client_metadata'] as Record<string, string>)['tenant']).sort()).toEqual(['acme', 'globex', 'initech']);
      for (const r of main.ran) expect(r.stderr).not.toContain(emulator.clientSecret);

      // The next pull request with nothing to change: no comment.
      writeFileSync(join(repo.path, 'gh-calls.txt'), '');
      const again = await runJob('plan');
      expect(again.outputs['plan']).toEqual({ pending: 'false' });
      expect(again.ran.map((r) => r.name)).toEqual(['Plan']);
      expect(readFileSync(join(repo.path, 'gh-calls.txt'), 'utf8')).toBe('');
      expect(readFileSync(join(repo.path, 'plan.md'), 'utf8')).toContain('### `tenants sync` plan: no changes');
    } finally {
      await emulator.close();
      repo.remove();
    }
  });
});
