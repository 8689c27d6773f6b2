import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTlsMaterial } from '../../src/emulator/tls.js';

/**
 * One certificate for every in-process emulator of the run. Node reads NODE_EXTRA_CA_CERTS only when a
 * process starts, so it is set here, before the test workers are forked, exactly as a user sets it.
 */
export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'tenants-test-tls-'));
  const tls = await generateTlsMaterial();
  writeFileSync(join(dir, 'ca.pem'), tls.cert);
  writeFileSync(join(dir, 'tls.json'), JSON.stringify(tls));
  process.env['NODE_EXTRA_CA_CERTS'] = join(dir, 'ca.pem');
  process.env['TENANTS_TEST_TLS'] = join(dir, 'tls.json');
  return () => rmSync(dir, { recursive: true, force: true });
}
