import type { ChalkInstance } from 'chalk';
import type { MigrationPhase, MigrationPlan } from '../core/plan-migration.js';
import { renderSteps } from './render-steps.js';

/** What a `migrate to-organizations` run did: one line per step done, the requests and seconds, what to do next. */
export function renderMigrationResult(
  result: { phase: MigrationPhase; steps: MigrationPlan['steps']; requests: Record<string, number>; seconds: number },
  color: ChalkInstance,
): string {
  const requests = Object.entries(result.requests)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
  const next =
    result.phase === 'dual'
      ? 'Dual state reached: both kinds of tokens are accepted. Deploy the new tenant.json to the backends, then: tenants migrate to-organizations --finalize'
      : 'Migrated: the project uses organizations. Deploy the new tenant.json and spa.env.';
  return [renderSteps(result.steps, color, false) || '  (nothing changed)', `Management API requests: ${requests || 'none'}; ${result.seconds} s.`, next].join(
    '\n',
  );
}
