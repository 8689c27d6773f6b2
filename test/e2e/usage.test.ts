import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { outputJsonSchemas } from '../../src/core/output-schemas.js';
import { BIN, collect, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/workspace.js';

describe('usage, as a script and a newcomer meet it', () => {
  it('prints a usage error as one JSON document with --json, exit 2', async () => {
    const missing = await runCli(['--json', 'create']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({
      schemaVersion: 1,
      error: { code: 'missing_argument', message: "missing required argument 'tenant'", hint: 'run with --help for usage' },
    });
    const validate = new Ajv2020({ strict: false }).compile(outputJsonSchemas().error);
    expect(validate(JSON.parse(missing.stdout)), JSON.stringify(validate.errors)).toBe(true);
    const unknown = await runCli(['users', 'add', '--json', '--bogus', 'acme', 'ann@acme.example']);
    expect(unknown.code).toBe(2);
    expect((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code).toBe('unknown_option');
  });

  it('prints plain text without --json', async () => {
    const result = await runCli(['create']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("missing required argument 'tenant'");
  });

  it("shows a subcommand's help with `tenants help users add`", async () => {
    const result = await runCli(['help', 'users', 'add']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: tenants users add');
  });

  it("shows examples in every command's help, and `--help` loads no command code", async () => {
    const commands = [
      'init',
      'create',
      'sync',
      'list',
      'show',
      'emit',
      'delete',
      'users',
      'users add',
      'users remove',
      'users list',
      'users invite',
      'verify-token',
      'doctor',
      'demo',
      'emulator',
    ];
    const helps = await Promise.all(commands.map((c) => runCli(['help', ...c.split(' ')])));
    helps.forEach((help, i) => {
      expect(help.code, commands[i]).toBe(0);
      expect(help.stdout, commands[i]).toMatch(/Examples:\n {2}\$ tenants /);
    });

    // Every module `tenants --help` loads, recorded by a loader hook: no command code, no package from node_modules (prompts,
    // SDK, yaml, csv-parse), and none of the bundled zod or jose.
    const dir = tempDir('tenants-help-trace-');
    try {
      writeFileSync(
        join(dir.path, 'hooks.mjs'),
        "import { writeSync } from 'node:fs';\nexport async function load(url, context, next) { writeSync(2, `LOAD ${url}\\n`); return next(url, context); }\n",
      );
      writeFileSync(
        join(dir.path, 'trace.mjs'),
        `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir.path, 'hooks.mjs')).href)});\n`,
      );
      const traced = await collect(process.execPath, ['--import', join(dir.path, 'trace.mjs'), BIN, '--help']);
      expect(traced.code).toBe(0);
      const loaded = traced.stderr
        .split('\n')
        .filter((l) => l.startsWith('LOAD file:'))
        .map((l) => fileURLToPath(l.slice(5)));
      expect(loaded.some((f) => f.endsWith('cli.js'))).toBe(true);
      expect(loaded.filter((f) => f.includes('node_modules'))).toEqual([]);
      expect(loaded.filter((f) => /run-|sdk-management|emulator/.test(f))).toEqual([]);
      for (const file of loaded.filter((f) => f.endsWith('.js') && !f.endsWith('bin/tenants.js'))) {
        const code = readFileSync(file, 'utf8');
        for (const marker of ['$ZodType', 'JWSSignatureVerificationFailed', 'parseDocument', 'CsvError'])
          expect(code, `${file} holds ${marker}`).not.toContain(marker);
      }
    } finally {
      dir.remove();
    }
  });
});
