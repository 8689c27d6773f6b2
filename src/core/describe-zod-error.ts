import type { $ZodError } from 'zod/v4/core';

/** "application.callbacks.0: must be an absolute URL" for the first problem of a zod error. */
export function describeZodError(error: $ZodError): { field: string; problem: string } {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || '(root)';
  let problem = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') problem = `unknown field(s) ${issue.keys.join(', ')}`;
  return { field, problem };
}
