import { z } from 'zod';
import type { CommandContext } from './context.js';
import { parseOptions } from './parse-options.js';
import type { EmulatorArgs } from './emulator.js';
const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  state: z.string().min(1).optional(),
  rateLimit: z.coerce.number().positive().optional(),
  latency: z.coerce.number().int().min(0).max(60_000).optional(),
  failRate: z.coerce.number().min(0).max(1).optional(),
  plan: z.enum(['free', 'self-service', 'enterprise']),
  actionBuildMs: z.coerce.number().int().min(0).max(120_000),
  actionDeployMs: z.coerce.number().int().min(0).max(120_000),
  searchLag: z.coerce.number().int().min(0).max(600_000),
  apiAccessPolicies: z.boolean(),
});

/** `tenants emulator`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runEmulator(context: () => CommandContext, ...[raw]: EmulatorArgs): Promise<void> {
  const ctx = context();
  const stop = ctx.gracefulStop();
  const options = parseOptions(schema, raw);
  const { startEmulator } = await import('../emulator/emulator.js');
  const emulator = await startEmulator({
    port: options.port,
    ...(options.state ? { stateFile: options.state } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.latency ? { latencyMs: options.latency } : {}),
    ...(options.failRate ? { failRate: options.failRate } : {}),
    plan: options.plan,
    actionBuildMs: options.actionBuildMs,
    actionDeployMs: options.actionDeployMs,
    searchLagMs: options.searchLag,
    apiAccessPolicies: options.apiAccessPolicies,
  });
  process.stdout.write(`${emulator.readyLine()}\n`);
  ctx.out.message(`Auth0 emulator listening on https://${emulator.domain} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await emulator.close();
}
