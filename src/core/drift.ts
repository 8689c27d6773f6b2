/**
 * The fields of `desired` that `current` does not match. Objects are compared on the keys we set only
 * (Auth0 adds its own), arrays and scalars exactly. Returns the top-level field names.
 */
export function driftedFields(desired: Record<string, unknown>, current: Record<string, unknown>): string[] {
  return Object.keys(desired).filter((key) => !matches(desired[key], current[key]));
}

function matches(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => matches(w, have[i]));
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, v]) => matches(v, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}
