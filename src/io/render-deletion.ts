import type { ChalkInstance } from 'chalk';
import type { Step } from '../core/plan.js';
import { renderSteps } from './render-steps.js';

/** What `tenants delete` plans (`--dry-run`) or did: a heading naming the tenant, then one line per step. */
export function renderDeletion(tenant: string, steps: Step[], dryRun: boolean, color: ChalkInstance): string {
  return `${dryRun ? `Plan (delete ${tenant})` : `Deleted ${tenant}`}:\n${renderSteps(steps, color, dryRun)}`;
}
