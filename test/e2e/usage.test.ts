import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('usage, as a script and a newcomer meet it', () => {
  it('prints a usage error as one JSON document with --json, exit 2', async () => {
    const missing = await runCli(['--json', 'create']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({
      schemaVersion: 1,
      error: { code: 'missing_argument', message: "missing required argument 'tenant'", hint: 'run with --help for usage' },
    });
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

  it('shows a subcommand\'s help with `tenants help users add`', async () => {
    const result = await runCli(['help', 'users', 'add']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: tenants users add');
  });
});
