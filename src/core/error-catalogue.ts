/**
 * Every error code the tool reports, with its kind (which decides the exit code, see EXIT_CODES) and whether
 * trying again can help. A code not listed here does not compile: `new TenantsError(kind, code, ...)` checks
 * both against this table. README's "Errors" section is this table for people.
 */
export const ERROR_CATALOGUE = {
  // usage (exit 2): bad input, nothing written or sent
  invalid_option: { kind: 'usage' },
  missing_option: { kind: 'usage' },
  invalid_arguments: { kind: 'usage' },
  missing_argument: { kind: 'usage' },
  unknown_option: { kind: 'usage' },
  unknown_command: { kind: 'usage' },
  missing_tenant: { kind: 'usage' },
  invalid_tenant_id: { kind: 'usage' },
  missing_token: { kind: 'usage' },
  missing_user: { kind: 'usage' },
  invalid_email: { kind: 'usage' },
  file_unreadable: { kind: 'usage' },
  config_missing: { kind: 'usage' },
  config_invalid: { kind: 'usage' },
  settings_invalid: { kind: 'usage' },
  manifest_missing: { kind: 'usage' },
  manifest_invalid: { kind: 'usage' },
  file_edited: { kind: 'usage' },
  output_not_writable: { kind: 'usage' },
  invalid_jwks: { kind: 'usage' },
  insecure_jwks_uri: { kind: 'usage' },
  invalid_domain: { kind: 'usage' },
  domain_mismatch: { kind: 'usage' },
  action_not_ours: { kind: 'usage' },
  api_policies_unavailable: { kind: 'usage' },
  env_value_unsafe: { kind: 'usage' },
  user_in_other_tenant: { kind: 'usage' },
  user_not_found: { kind: 'usage' },
  application_limit: { kind: 'usage' },
  application_not_ours: { kind: 'usage' },
  tenant_not_found: { kind: 'usage' },
  confirmation_required: { kind: 'usage' },
  migration_incomplete: { kind: 'usage' },
  invalid_url: { kind: 'usage' },
  wildcard_url: { kind: 'usage' },
  invalid_application_name: { kind: 'usage' },
  web_origins: { kind: 'usage' },
  exit_code_needs_dry_run: { kind: 'usage' },
  lease_not_ours: { kind: 'usage' },
  organization_name_invalid: { kind: 'usage' },
  organization_not_ours: { kind: 'usage' },
  shared_application_missing: { kind: 'usage' },
  login_uri_missing: { kind: 'usage' },
  connection_missing: { kind: 'usage' },
  // credentials (exit 4)
  missing_credentials: { kind: 'credentials' },
  scope_missing: { kind: 'credentials' },
  auth0_unauthorized: { kind: 'credentials' },
  auth0_forbidden: { kind: 'credentials' },
  // unreachable (exit 4): the run stopped early, re-run to converge
  auth0_unreachable: { kind: 'unreachable' },
  // auth0 (exit 1): Auth0 or the network failed; retryable ones are retried by the one retry policy
  network: { kind: 'auth0', retryable: true },
  rate_limited: { kind: 'auth0', retryable: true },
  auth0_error: { kind: 'auth0' },
  tls_untrusted: { kind: 'auth0' },
  entity_limit: { kind: 'auth0' },
  unexpected: { kind: 'auth0' },
  jwks_unreachable: { kind: 'auth0' },
  api_missing: { kind: 'auth0' },
  create_unconfirmed: { kind: 'auth0' },
  create_incomplete: { kind: 'auth0' },
  sync_incomplete: { kind: 'auth0' },
  unhealthy: { kind: 'auth0' },
  demo_failed: { kind: 'auth0' },
  login_failed: { kind: 'auth0' },
  user_not_created: { kind: 'auth0' },
  users_not_confirmed: { kind: 'auth0' },
  export_failed: { kind: 'auth0' },
  export_timeout: { kind: 'auth0' },
  action_runtime_unsupported: { kind: 'auth0' },
  action_build_failed: { kind: 'auth0' },
  action_build_timeout: { kind: 'auth0' },
  action_deploy_timeout: { kind: 'auth0' },
  binding_not_confirmed: { kind: 'auth0' },
  // locked (exit 5): another run holds the project's lease in Auth0; nothing was changed
  lease_held: { kind: 'locked' },
  // pending (exit 10): `--dry-run --exit-code` found changes to make (not an error: the plan was printed)
  changes_pending: { kind: 'pending' },
  // rejected (exit 3): verify-token's verdicts
  rejected: { kind: 'rejected' },
  // cancelled (exit 130)
  cancelled: { kind: 'cancelled' },
  interrupted: { kind: 'cancelled' },
} as const satisfies Record<string, { kind: string; retryable?: boolean }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export type KindOf<C extends ErrorCode> = (typeof ERROR_CATALOGUE)[C]['kind'];
/** The codes of bad input (exit 2). */
export type UsageCode = { [C in ErrorCode]: KindOf<C> extends 'usage' ? C : never }[ErrorCode];

/** Whether trying again can help, by code (an `auth0_error` decides by its status: see TenantsError.retryable). */
export const retryableCode = (code: ErrorCode): boolean => 'retryable' in ERROR_CATALOGUE[code] && ERROR_CATALOGUE[code].retryable === true;
