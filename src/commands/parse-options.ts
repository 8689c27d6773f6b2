import { globalRegistry, safeParse, type $ZodType, type output } from 'zod/v4/core';
import { TenantsError } from '../core/tenants-error.js';

/**
 * Parses a command's options with its schema (OPTION_SCHEMAS): a bad value is `invalid_option` (exit 2, before
 * anything is read or sent) naming the flag, with the field's description (the fix) as the hint.
 */
export function parseOptions<S extends $ZodType>(schema: S, raw: unknown): output<S> {
  const parsed = safeParse(schema, raw);
  if (parsed.success) return parsed.data as output<S>;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const shape = (schema as unknown as { shape?: Record<string, $ZodType> }).shape;
  const fix = describedFix(shape?.[key]);
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

/** A field's description (the fix), from zod's registry (full or mini build); an optional field may keep it on what it wraps. */
function describedFix(field: $ZodType | undefined): string | undefined {
  if (!field) return undefined;
  const inner = (field._zod.def as { innerType?: $ZodType }).innerType;
  return globalRegistry.get(field)?.description ?? describedFix(inner);
}
