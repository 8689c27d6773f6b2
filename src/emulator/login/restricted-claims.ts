/** Claims Actions may not set: Auth0 drops them silently, with no error (REFERENCE.md). */
export const RESTRICTED_CLAIMS = new Set([
  'acr', 'act', 'active', 'amr', 'at_hash', 'ats', 'aud', 'auth_time', 'authorization_details', 'azp', 'c_hash',
  'client_id', 'cnf', 'cty', 'dpop_jkt', 'exp', 'groups', 'gty', 'htm', 'htu', 'iat', 'internalService', 'iss',
  'jcard', 'jku', 'jti', 'jwe', 'jwk', 'kid', 'may_act', 'mfa', 'nbf', 'nonce', 'object_id', 'org_id', 'org_name',
  'orig_sid', 'owner', 'permissions', 'roles', 'scope', 'sid', 'sub', 'subject_type', 'typ', 'uid', 'vot', 'vtm', 'x5t#S256', 'x5u',
]);

export const allowedClaims = (claims: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(claims).filter(([name]) => !RESTRICTED_CLAIMS.has(name) && !/^https?:\/\/([^/]+\.)?auth0\.com\//.test(name)));
