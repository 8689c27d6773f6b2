import { Command, Option } from '@commander-js/extra-typings';
import { z } from 'zod';
import type { CommandContext } from './context.js';
import { parseOptions } from './parse-options.js';
import { RATE_LIMIT_GROUPS } from '../auth0/rate-limit-group.js';

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
  rateLimitGroup: z.array(z.string().regex(new RegExp(`^(${RATE_LIMIT_GROUPS.join('|')})=(\\d+(\\.\\d+)?)$`), {
    message: `expected <group>=<requests per second>, a group among ${RATE_LIMIT_GROUPS.join(', ')} (e.g. organizations-write=0.4)`,
  }).refine((v) => Number(v.split('=')[1]) > 0, { message: 'the requests per second must be above 0 (e.g. organizations-write=0.4)' })).default([]),
  allowOrganizationNames: z.boolean().default(false),
});

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function emulatorCommand(context: () => CommandContext) {
  return new Command('emulator')
    .description('run a local Auth0 tenant on 127.0.0.1 over HTTPS (prints one JSON ready line, serves until SIGINT/SIGTERM)')
    .option('--port <n>', 'port to listen on; 0 picks a free one', '0')
    .option('--state <file>', 'persist the tenant in this file across restarts (default: in memory)')
    .option('--rate-limit <rps>', 'Management API budget in requests per second (429 past it)')
    .option('--latency <ms>', 'delay every answer by this many milliseconds')
    .option('--fail-rate <0..1>', 'share of Management API requests answered with 429, 500, 503 or a dropped connection')
    .addOption(new Option('--plan <plan>', "Auth0 plan whose entity limits apply").choices(['free', 'self-service', 'enterprise']).default('self-service'))
    .option('--action-build-ms <ms>', 'how long an Action stays pending before it is built', '300')
    .option('--action-deploy-ms <ms>', 'how long a deployment takes to complete in the background (binding before then answers 400)', '0')
    .option('--search-lag <ms>', "user search trails writes by this long, as Auth0's index does", '0')
    .option('--rate-limit-group <group=rps>', `an endpoint group's own budget, repeatable (${RATE_LIMIT_GROUPS.join(', ')}), e.g. organizations-write=0.4`, collect)
    .option('--allow-organization-names', 'turn on the tenant setting allow_organization_name_in_authentication_api (organization names in /authorize, org_name in tokens)')
    .option('--no-api-access-policies', 'model a tenant without API access policies (subject_type_authorization refused)')
    .action(async (raw) => {
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
        rateLimitGroups: Object.fromEntries(options.rateLimitGroup.map((entry) => [entry.split('=')[0], Number(entry.split('=')[1])])),
        ...(options.allowOrganizationNames ? { allowOrganizationNames: true } : {}),
      });
      process.stdout.write(`${emulator.readyLine()}\n`);
      ctx.out.message(`Auth0 emulator listening on https://${emulator.domain} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
      await emulator.close();
    });
}
