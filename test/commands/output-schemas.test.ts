import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { outputJsonSchemas } from '../../src/core/output-schemas.js';
import { runWithFakeContext } from '../helpers/fake-context.js';
import { FakePort } from '../helpers/fake-port.js';
import { tempDir } from '../helpers/workspace.js';

const dirs: { remove: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
const schemas = outputJsonSchemas();
const ajv = new Ajv2020({ strict: false, allErrors: true });
const check = (name: keyof typeof schemas, stdout: string) => {
  const validate = ajv.compile(schemas[name]);
  const doc = JSON.parse(stdout) as unknown;
  expect(validate(doc) ? [] : validate.errors, name).toEqual([]);
};

describe('the --json shapes', () => {
  it('are the committed schemas/*.schema.json, generated from the zod types (npm run schemas)', () => {
    for (const [name, schema] of Object.entries(schemas)) {
      expect(JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')), name).toEqual(schema);
    }
  });

  it('describe what create, sync and doctor print (errors: test/e2e/usage.test.ts)', async () => {
    const dir = tempDir('tenants-shapes-');
    dirs.push(dir);
    const cwd = dir.path;
    const port = new FakePort();
    await runWithFakeContext(
      [
        'init',
        '--domain',
        'acme.eu.auth0.com',
        '--audience',
        'https://api.example.com',
        '--claim-namespace',
        'https://saas.example.com/',
        '--callbacks',
        'https://{tenant}.app.example.com/cb',
      ],
      { cwd, port },
    );
    writeFileSync(join(cwd, 'tenants.yaml'), 'tenants:\n  - acme\n  - tenant: globex\n    name: Globex Corporation\n');
    check('plan', (await runWithFakeContext(['--json', 'sync', 'tenants.yaml', '--dry-run'], { cwd, port })).stdout);
    check('result', (await runWithFakeContext(['--json', 'sync', 'tenants.yaml'], { cwd, port })).stdout);
    check('plan', (await runWithFakeContext(['--json', 'create', 'acme', 'initech', '--dry-run'], { cwd, port })).stdout);
    check('result', (await runWithFakeContext(['--json', 'create', 'acme', 'initech'], { cwd, port })).stdout);
    check('doctor', (await runWithFakeContext(['--json', 'doctor'], { cwd, port })).stdout);
  });
});
