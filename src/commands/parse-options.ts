import type { z } from 'zod';
import { TenantsError } from '../core/tenants-error.js';

/** Parses command options with zod; a bad value is a usage error naming the flag and the fix. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new TenantsError('usage', 'invalid_option', `Invalid value for ${flag}: ${issue?.message ?? 'invalid'}`, {
    hint: `Run with --help to see what ${flag} accepts.`,
  });
}
