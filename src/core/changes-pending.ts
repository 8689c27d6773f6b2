import { EXIT_CODES, TenantsError, usageError } from './tenants-error.js';

/**
 * `--dry-run --exit-code`, as `terraform plan -detailed-exitcode`: after printing the plan, exit 0 when
 * nothing would change and EXIT_CODES.pending (10, not an error code) when something would. Errors keep
 * their own codes. The plan has already been printed, so the "error" carries nothing more to show.
 */
export function exitIfPending(options: { exitCode?: boolean | undefined }, pending: boolean): void {
  if (!options.exitCode || !pending) return;
  throw new TenantsError('pending', 'changes_pending', `Changes are pending (exit ${EXIT_CODES.pending}).`, { alreadyReported: true });
}

/** `--exit-code` describes a plan: refused (exit 2) without `--dry-run`. */
export function assertExitCodeUsage(options: { exitCode?: boolean | undefined; dryRun?: boolean | undefined }): void {
  if (options.exitCode && !options.dryRun)
    throw usageError(
      'exit_code_needs_dry_run',
      '--exit-code describes a plan and needs --dry-run.',
      'Run with --dry-run --exit-code to check for pending changes, or drop --exit-code to apply.',
    );
}
