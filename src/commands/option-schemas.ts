import { z } from 'zod';
import { RATE_LIMIT_GROUPS } from '../auth0/rate-limit-group.js';
import { projectConfigSchema } from '../core/project-config.js';
import { splitUrls } from '../core/resolve-init-config.js';
import { verifyTokenOptions } from './verify-token-options.js';

/**
 * The options of every command, one zod schema each: what `run-<name>.ts` gets after `parseOptions` (a bad value is
 * `invalid_option`, exit 2, naming the flag; each field's description is the fix, shown as the hint), before anything
 * is read or sent. Commander has already turned the flags into these keys (`--max-rps` -> `maxRps`).
 */
const path = (what: string) =>
  z
    .string()
    .refine((v) => v.trim() !== '', `give the ${what}'s path`)
    .optional()
    .describe(`Give the ${what}'s path.`);
const config = path('config file');
const flag = z.boolean().optional();
const waitLock = z.number().min(0).max(86_400).describe('Give a number of seconds from 0 to 86400, e.g. --wait-lock 600.');
const format = z.enum(['text', 'markdown']).describe('Give --format text or --format markdown.');
const count = (min: number, max: number, example: string) =>
  z.coerce
    .number({ error: 'expected a number' })
    .int('expected a whole number')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`)
    .describe(`Give a whole number from ${min} to ${max}, e.g. ${example}.`);
/** A config field given as a flag: the config's own rule, so the flag and the file agree. */
const field = (key: 'domain' | 'audience' | 'apiName' | 'claimNamespace' | 'outputDir', example: string) => {
  const rule: z.ZodType<string> =
    projectConfigSchema.shape[key] instanceof z.ZodDefault ? projectConfigSchema.shape[key].unwrap() : projectConfigSchema.shape[key];
  return rule.optional().describe(`Pass e.g. --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${example}`);
};
const urls = (example: string) =>
  z
    .string()
    .transform(splitUrls)
    .pipe(projectConfigSchema.shape.application.unwrap().shape.callbacks.unwrap())
    .optional()
    .describe(`Give comma-separated https URLs ({tenant} allowed), e.g. ${example}.`);
const strategy = z.enum(['applications', 'organizations']).optional().describe('Pass --strategy applications or --strategy organizations.');
const maxRps = z.coerce
  .number({ error: 'expected a number' })
  .positive('expected a number above 0')
  .max(1000, 'expected at most 1000')
  .describe('Give requests per second above 0, at most 1000, e.g. --max-rps 2.');
const concurrency = count(1, 64, '--concurrency 8');
const writing = { config, waitLock, exitCode: flag, format, dryRun: flag, allowWildcards: flag };

export const OPTION_SCHEMAS = {
  init: z.object({
    ...writing,
    domain: field('domain', 'acme.eu.auth0.com'),
    audience: field('audience', 'https://api.saas.example.com'),
    apiName: field('apiName', '"Tenants API"'),
    claimNamespace: field('claimNamespace', 'https://saas.example.com/'),
    outputDir: field('outputDir', 'tenants/'),
    callbacks: urls("--callbacks 'https://{tenant}.app.example.com/callback'"),
    logoutUrls: urls("--logout-urls 'https://{tenant}.app.example.com'"),
    webOrigins: urls("--web-origins 'https://{tenant}.app.example.com'"),
    requireClientGrant: flag,
    strategy,
    loginUri: z
      .url({ protocol: /^https$/, error: 'expected an https URL' })
      .optional()
      .describe('Pass e.g. --login-uri https://app.example.com/login (https).'),
  }),
  create: z.object({ ...writing, adopt: flag, force: flag }),
  sync: z.object({
    ...writing,
    prune: flag,
    yes: flag,
    deleteUsers: flag,
    force: flag,
    maxRps,
    concurrency,
    applicationLimit: count(1, 1_000_000, '--application-limit 100').optional(),
  }),
  delete: z.object({ config, waitLock, yes: flag, deleteUsers: flag, dryRun: flag }),
  migrate: z.object({ config, waitLock, yes: flag, dryRun: flag, finalize: flag, maxRps, concurrency }),
  list: z.object({ config }),
  show: z.object({ config }),
  doctor: z.object({ config }),
  emit: z.object({ config, all: flag, force: flag }),
  usersMembership: z.object({ config, file: path('users file'), move: flag }),
  usersList: z.object({ config }),
  usersInvite: z.object({
    config,
    move: flag,
    ttl: count(0, 2_592_000, "--ttl 604800 (7 days; 0: Auth0's default)").optional(),
    inviter: z.string().trim().min(1, 'expected a name').max(100, 'expected at most 100 characters').optional().describe('Pass e.g. --inviter "Acme IT".'),
    sendEmail: flag,
  }),
  verifyToken: verifyTokenOptions,
  demo: z.object({ dir: path('work folder'), serve: flag, strategy }),
  emulator: z.object({
    port: count(0, 65535, '--port 0'),
    state: path('state file'),
    rateLimit: z.coerce.number().positive().optional().describe('Give requests per second above 0, e.g. --rate-limit 20.'),
    latency: count(0, 60_000, '--latency 50').optional(),
    failRate: z.coerce.number().min(0).max(1).optional().describe('Give a share from 0 to 1, e.g. --fail-rate 0.1.'),
    plan: z.enum(['free', 'self-service', 'enterprise']).describe('Give --plan free, self-service or enterprise.'),
    actionBuildMs: count(0, 120_000, '--action-build-ms 300'),
    actionDeployMs: count(0, 120_000, '--action-deploy-ms 0'),
    searchLag: count(0, 600_000, '--search-lag 0'),
    apiAccessPolicies: z.boolean(),
    rateLimitGroup: z
      .array(
        z
          .string()
          .regex(new RegExp(`^(${RATE_LIMIT_GROUPS.join('|')})=(\\d+(\\.\\d+)?)$`), {
            message: `expected <group>=<requests per second>, a group among ${RATE_LIMIT_GROUPS.join(', ')} (e.g. organizations-write=0.4)`,
          })
          .refine((v) => Number(v.split('=')[1]) > 0, { message: 'the requests per second must be above 0 (e.g. organizations-write=0.4)' }),
      )
      .default([])
      .describe('Give --rate-limit-group <group>=<requests per second>, e.g. organizations-write=0.4.'),
    allowOrganizationNames: z.boolean().default(false),
  }),
} as const;
