import type { ChalkInstance } from 'chalk';
import type { Finding } from '../core/doctor.js';

/** The report of `tenants doctor`: one line per finding with its fix, then the verdict. */
export function renderDoctor(findings: Finding[], tenants: number | undefined, color: ChalkInstance): string {
  const c = color;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const mark = { error: c.red('✗'), warning: c.yellow('!'), info: c.dim('i') } as const;
  const lines = findings.map((f) => `${mark[f.severity]} [${f.code}] ${f.message} ${c.dim(f.severity === 'info' ? 'Note:' : 'Fix:')} ${f.fix}`);
  const verdict = errors
    ? c.red(`${errors} problem(s) found${warnings ? `, ${warnings} warning(s)` : ''}.`)
    : c.green(`Healthy${tenants !== undefined ? ` (${tenants} tenant(s))` : ''}${warnings ? `, ${warnings} warning(s)` : ''}.`);
  return [...lines, verdict].join('\n');
}
