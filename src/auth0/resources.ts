import { z } from 'zod';

/** The fields of Auth0's answers that this tool depends on, checked with zod (everything else passes through). */
export const clientSchema = z.looseObject({
  client_id: z.string(),
  name: z.string().optional(),
  app_type: z.string().optional(),
  global: z.boolean().optional(),
  client_metadata: z.record(z.string(), z.unknown()).optional(),
  callbacks: z.array(z.string()).optional(),
  allowed_logout_urls: z.array(z.string()).optional(),
  web_origins: z.array(z.string()).optional(),
  grant_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().nullable().optional(),
  oidc_conformant: z.boolean().optional(),
  jwt_configuration: z.looseObject({ alg: z.string().optional() }).optional(),
  refresh_token: z.looseObject({}).nullable().optional(),
});
export type Client = z.infer<typeof clientSchema>;

export const resourceServerSchema = z.looseObject({
  id: z.string(),
  identifier: z.string(),
  name: z.string().optional(),
  signing_alg: z.string().optional(),
  token_dialect: z.string().optional(),
  subject_type_authorization: z.looseObject({ user: z.looseObject({ policy: z.string().optional() }).optional() }).optional(),
});
export type ResourceServer = z.infer<typeof resourceServerSchema>;

export const actionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  code: z.string().optional(),
  runtime: z.string().optional(),
  status: z.string().optional(),
  all_changes_deployed: z.boolean().optional(),
  supported_triggers: z.array(z.looseObject({ id: z.string(), version: z.string().optional() })).optional(),
  deployed_version: z.looseObject({ code: z.string().optional(), id: z.string().optional(), deployed: z.boolean().optional() }).optional(),
});
export type Action = z.infer<typeof actionSchema>;

export const bindingSchema = z.looseObject({
  id: z.string(),
  display_name: z.string().optional(),
  action: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
});
export type Binding = z.infer<typeof bindingSchema>;

export const clientGrantSchema = z.looseObject({
  id: z.string(),
  client_id: z.string().optional(),
  audience: z.string(),
  scope: z.array(z.string()).optional(),
  subject_type: z.string().optional(),
});
export type ClientGrant = z.infer<typeof clientGrantSchema>;

export const userSchema = z.looseObject({
  user_id: z.string(),
  email: z.string().optional(),
  app_metadata: z.record(z.string(), z.unknown()).optional(),
});
export type User = z.infer<typeof userSchema>;

export const organizationSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  display_name: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type Organization = z.infer<typeof organizationSchema>;

export const organizationMemberSchema = z.looseObject({
  user_id: z.string(),
  email: z.string().nullable().optional(),
});
export type OrganizationMember = z.infer<typeof organizationMemberSchema>;

export const connectionSchema = z.looseObject({ id: z.string(), name: z.string(), strategy: z.string().optional() });
export type Connection = z.infer<typeof connectionSchema>;

export const invitationSchema = z.looseObject({ id: z.string(), invitation_url: z.string(), expires_at: z.string().optional() });
export type Invitation = z.infer<typeof invitationSchema>;
