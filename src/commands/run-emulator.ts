import type { CommandContext } from './context.js';
import { OPTION_SCHEMAS } from './option-schemas.js';
import { parseOptions } from './parse-options.js';
import type { EmulatorArgs } from './emulator.js';

/** `tenants emulator`: what runs (imported on demand, so `--help` and other commands never load it). */
export async function runEmulator(context: () => CommandContext, ...[raw]: EmulatorArgs): Promise<void> {
  const ctx = context();
  const stop = ctx.gracefulStop();
  const options = parseOptions(OPTION_SCHEMAS.emulator, raw);
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
    rateLimitGroups: Object.fromEntries(options.rateLimitGroup.map((entry) => [entry.split('=')[0], Number(entry.split('=')[1])])),
    ...(options.allowOrganizationNames ? { allowOrganizationNames: true } : {}),
  });
  process.stdout.write(`${emulator.readyLine()}\n`);
  ctx.out.message(`Auth0 emulator listening on https://${emulator.domain} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await emulator.close();
}
