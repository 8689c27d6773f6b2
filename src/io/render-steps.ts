import type { ChalkInstance } from 'chalk';
import type { Step } from '../core/plan.js';

const SIGNS: Record<Step['action'], string> = { create: '+', update: '~', delete: '-', unchanged: '=', absent: '·' };

/** One line per step: `+ application acme (create)`, `~ api https://api (update: name)`. */
export function renderSteps(steps: Step[], color: ChalkInstance, dryRun: boolean): string {
  const paint: Record<Step['action'], (s: string) => string> = {
    create: color.green,
    update: color.yellow,
    delete: color.red,
    unchanged: color.dim,
    absent: color.dim,
  };
  return steps
    .map((step) => {
      const what = [step.resource, step.tenant ?? step.detail].filter(Boolean).join(' ') + (step.tenant && step.detail ? `: ${step.detail}` : '');
      const verb = dryRun && step.action !== 'unchanged' && step.action !== 'absent' ? `would ${step.action}` : step.action;
      const changes = step.changes?.length ? `: ${step.changes.join(', ')}` : '';
      const id = step.id ? color.dim(` ${step.id}`) : '';
      return paint[step.action](`  ${SIGNS[step.action]} ${what} (${verb}${changes})`) + id;
    })
    .join('\n');
}
