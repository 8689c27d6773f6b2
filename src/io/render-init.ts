import type { ChalkInstance } from 'chalk';
import type { Step } from '../core/plan.js';
import type { ProjectConfig } from '../core/project-config.js';
import { renderSteps } from './render-steps.js';

/** What `tenants init` planned or did: a heading naming the API, domain and strategy, then one line per step. */
export function renderInit(
  result: { dryRun: boolean; changed: boolean; steps: Step[] },
  config: Pick<ProjectConfig, 'audience' | 'domain' | 'strategy'>,
  color: ChalkInstance,
): string {
  return `${result.dryRun ? 'Plan' : result.changed ? 'Initialised' : 'Already up to date'} (${config.audience} on ${config.domain}${config.strategy === 'organizations' ? ', organizations' : ''}):\n${renderSteps(result.steps, color, result.dryRun)}`;
}
