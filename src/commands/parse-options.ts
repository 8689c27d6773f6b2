import type { z } from 'zod';
import { TenantsError } from '../core/tenants-error.js';

/**
 * Parses a command's options with its schema (OPTION_SCHEMAS): a bad value is `invalid_option` (exit 2, before
 * anything is read or sent) naming the flag, with the field's description (the fix) as the hint.
 */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  const field = shape?.[key] as (z.ZodType & { unwrap?: () => z.ZodType }) | undefined;
  const fix = field?.description ?? field?.unwrap?.().description; // an optional field keeps it on what it wraps
  const value = (raw as Record<string, unknown> | undefined)?.[key];
  throw new TenantsError(
    'usage',
    'invalid_option',
    `Invalid value for ${flag}${typeof value === 'string' ? ` (${JSON.stringify(value)})` : ''}: ${issue?.message ?? 'invalid'}.`,
    {
      hint: fix ?? `Run with --help to see what ${flag} accepts.`,
      details: { flag },
    },
  );
}
