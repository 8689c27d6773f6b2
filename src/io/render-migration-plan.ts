import type { ChalkInstance } from 'chalk';
import { countSteps, type MigrationPlan } from '../core/plan-migration.js';
import { renderSteps } from './render-steps.js';

/** The plan of `migrate to-organizations --dry-run`: a counts line, then one line per step. */
export function renderMigrationPlan(plan: MigrationPlan, color: ChalkInstance): string {
  const c = countSteps(plan.steps);
  const title = plan.phase === 'dual' ? 'Migration to organizations, phase 1 (dual state)' : 'Migration to organizations, phase 2 (--finalize)';
  return [
    `${title}: ${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.unchanged} unchanged.`,
    renderSteps(plan.steps, color, true),
  ].join('\n');
}
