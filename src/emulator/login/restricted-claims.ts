/**
 * Claims Actions may not set: Auth0 drops them silently, with no error. The list of Auth0's docs
 * ("Create Custom Claims", general restrictions), and the namespaces Auth0 reserves.
 */
export const RESTRICTED_CLAIMS = new Set([
  'acr',
  'act',
  'active',
  'amr',
  'at_hash',
  'ath',
  'attest',
  'aud',
  'auth_time',
  'authorization_details',
  'azp',
  'c_hash',
  'client_id',
  'cnf',
  'cty',
  'dest',
  'entitlements',
  'events',
  'exp',
  'groups',
  'gty',
  'htm',
  'htu',
  'iat',
  'internalService',
  'iss',
  'jcard',
  'jku',
  'jti',
  'jwe',
  'jwk',
  'kid',
  'may_act',
  'mky',
  'nbf',
  'nonce',
  'object_id',
  'org_id',
  'org_name',
  'orig',
  'origid',
  'permissions',
  'roles',
  'rph',
  's_hash',
  'sid',
  'sip_callid',
  'sip_cseq_num',
  'sip_date',
  'sip_from_tag',
  'sip_via_branch',
  'sub',
  'sub_jwk',
  'toe',
  'txn',
  'typ',
  'uuid',
  'vot',
  'vtm',
  'x5t#S256',
]);

/** Claims under these domains (and their subdomains) are Auth0's own and are dropped too. */
export const RESERVED_NAMESPACES = ['auth0.com', 'webtask.io', 'webtask.run'];

const reserved = (name: string): boolean => {
  const host = /^https?:\/\/([^/:]+)/i.exec(name)?.[1]?.toLowerCase();
  return host !== undefined && RESERVED_NAMESPACES.some((d) => host === d || host.endsWith(`.${d}`));
};

export const allowedClaims = (claims: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(claims).filter(([name]) => !RESTRICTED_CLAIMS.has(name) && !reserved(name)));
