import { readFileSync } from 'node:fs';
import { ManagementClient } from 'auth0';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/emulator.js';

/** An in-process emulator using the run's shared certificate (trusted through NODE_EXTRA_CA_CERTS). */
export async function testEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tlsFile = process.env['TENANTS_TEST_TLS'];
  const caCertFile = process.env['NODE_EXTRA_CA_CERTS'];
  if (!tlsFile || !caCertFile) throw new Error('run the tests through vitest (test/helpers/global-setup.ts)');
  return startEmulator({ tls: JSON.parse(readFileSync(tlsFile, 'utf8')), caCertFile, actionBuildMs: 50, ...options });
}

export function sdkFor(emulator: RunningEmulator, options: { maxRetries?: number; clientId?: string; clientSecret?: string } = {}): ManagementClient {
  return new ManagementClient({
    domain: emulator.domain,
    clientId: options.clientId ?? emulator.clientId,
    clientSecret: options.clientSecret ?? emulator.clientSecret,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
}

/** Asserts a body against the published response schema of an operation; returns ajv's complaint or null. */
export function specComplaint(emulator: RunningEmulator, operationId: string, status: number, body: unknown): string | null {
  const schema = emulator.spec.responseSchema(operationId, status);
  if (!schema) throw new Error(`no response schema for ${operationId} ${status}`);
  return emulator.spec.check(schema, body);
}
