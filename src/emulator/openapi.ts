import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ApiError } from './api-error.js';

type Json = Record<string, unknown>;
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Json;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema: Json }> };
  responses?: Record<string, { content?: Record<string, { schema: Json }> }>;
  security?: Record<string, string[]>[];
}

export const SPEC_PATH = fileURLToPath(new URL('../../spec/management-api.openapi.json', import.meta.url));
const SPEC_ID = 'auth0-management-api.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A route of the published Management API, matched from a request path. */
export interface MatchedOperation {
  operationId: string;
  template: string;
  pathParams: Record<string, string>;
  /** The scopes of which the caller needs any one. */
  scopes: string[];
  validateQuery(query: Record<string, string | string[]>): Json;
  validateBody(body: unknown): void;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * Auth0's Management API OpenAPI 3.1 document, used as Auth0 uses it: to route requests and to refuse
 * bodies and query strings that do not fit (unknown fields, wrong types) with 400 before any handler runs.
 * Validators are compiled with ajv on first use and cached.
 */
export class OpenApiSpec {
  readonly document: { paths: Record<string, Record<string, Operation>>; components: Json };
  private readonly routes: { method: string; template: string; regex: RegExp; names: string[]; op: Operation }[] = [];
  private readonly ajv: Ajv2020;
  private readonly queryAjv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(document?: OpenApiSpec['document']) {
    this.document = document ?? (JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiSpec['document']);
    const options = { strict: false, unicodeRegExp: false, allErrors: false, validateSchema: false } as const;
    this.ajv = new Ajv2020(options);
    this.queryAjv = new Ajv2020({ ...options, coerceTypes: 'array' });
    for (const ajv of [this.ajv, this.queryAjv]) {
      addFormats(ajv);
      registerAuth0Formats(ajv);
      ajv.addSchema({ $id: SPEC_ID, components: this.document.components });
    }
    for (const [template, item] of Object.entries(this.document.paths)) {
      const names: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      for (const method of METHODS) {
        const op = item[method];
        if (op) this.routes.push({ method, template, regex: new RegExp(`^${source}$`), names, op });
      }
    }
    // Literal segments win over parameters (`/users-by-email` and `/actions/actions/{id}/deploy` first).
    this.routes.sort((a, b) => a.names.length - b.names.length);
  }

  match(method: string, path: string): MatchedOperation | undefined {
    const lower = method.toLowerCase();
    for (const route of this.routes) {
      if (route.method !== lower) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => (pathParams[name] = decodeURIComponent(found[i + 1] ?? '')));
      return this.operation(route.template, route.op, pathParams);
    }
    return undefined;
  }

  /** True when some method serves this path (so a wrong method is 405, not 404). */
  hasPath(path: string): boolean {
    return this.routes.some((r) => r.regex.test(path));
  }

  /** The JSON schema of an operation's response, for tests that check what the emulator answers. */
  responseSchema(operationId: string, status: number): Json | undefined {
    for (const item of Object.values(this.document.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (op?.operationId === operationId) return op.responses?.[String(status)]?.content?.['application/json']?.schema;
      }
    }
    return undefined;
  }

  /** Validates `value` against any schema of the document (refs included); returns Auth0-style error text or null. */
  check(schema: Json, value: unknown): string | null {
    const validate = this.compile(this.ajv, JSON.stringify(schema));
    return validate(value) ? null : describe(validate.errors);
  }

  private operation(template: string, op: Operation, pathParams: Record<string, string>): MatchedOperation {
    const scopes = op.security?.find((s) => s['oAuth2ClientCredentials'])?.['oAuth2ClientCredentials'] ?? [];
    const params = op.parameters ?? [];
    const querySchema = objectSchema(params.filter((p) => p.in === 'query'));
    const pathSchema = objectSchema(params.filter((p) => p.in === 'path'));
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    return {
      operationId: op.operationId,
      template,
      pathParams,
      scopes,
      validateQuery: (query) => {
        const copy: Json = { ...query };
        const validate = this.compile(this.queryAjv, JSON.stringify(querySchema));
        if (!validate(copy)) throw new ApiError(400, 'invalid_query_string', `Query validation error: ${describe(validate.errors)}`);
        const pathCheck = this.compile(this.queryAjv, JSON.stringify(pathSchema));
        if (!pathCheck({ ...pathParams })) throw new ApiError(400, 'invalid_uri', `Path validation error: ${describe(pathCheck.errors)}`);
        return copy;
      },
      validateBody: (body) => {
        if (!bodySchema) return;
        if (body === undefined) {
          if (op.requestBody?.required) throw new ApiError(400, 'invalid_body', 'Payload validation error: body is required.');
          return;
        }
        const validate = this.compile(this.ajv, JSON.stringify(bodySchema));
        if (!validate(body)) throw new ApiError(400, 'invalid_body', `Payload validation error: ${describe(validate.errors)}`);
      },
    };
  }

  private compile(ajv: Ajv2020, schemaText: string): ValidateFunction {
    const key = `${ajv === this.ajv ? 'b' : 'q'}:${schemaText}`;
    let validate = this.cache.get(key);
    if (!validate) {
      const schema = JSON.parse(schemaText.replaceAll('"#/components/', `"${SPEC_ID}#/components/`)) as Json;
      validate = ajv.compile(schema);
      this.cache.set(key, validate);
    }
    return validate;
  }
}

function objectSchema(params: Parameter[]): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const p of params) {
    properties[p.name] = p.schema ?? {};
    if (p.required) required.push(p.name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** Auth0 words validation failures like "'Additional properties not allowed: foo' on property jwt_configuration". */
function describe(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'invalid request';
  const where = error.instancePath ? ` on property ${error.instancePath.slice(1).replaceAll('/', '.')}` : '';
  if (error.keyword === 'additionalProperties') {
    return `'Additional properties not allowed: ${String(error.params['additionalProperty'])}'${where}.`;
  }
  if (error.keyword === 'type') return `'Expected type ${String(error.params['type'])} but found another type'${where}.`;
  if (error.keyword === 'required') return `'Missing required property: ${String(error.params['missingProperty'])}'${where}.`;
  return `'${error.message ?? 'invalid value'}'${where}.`;
}

function registerAuth0Formats(ajv: Ajv2020): void {
  const urlish = (allowEmpty: boolean, httpsOnly: boolean) => (value: string) => {
    if (value === '') return allowEmpty;
    const probe = value.replace(/\{[^}]*\}/g, 'x').replace(/\*/g, 'x');
    try {
      const url = new URL(probe);
      return httpsOnly ? url.protocol === 'https:' : true;
    } catch {
      return false;
    }
  };
  const formats: Record<string, (value: string) => boolean> = {
    'url-with-placeholders': urlish(false, false),
    'absolute-uri-or-empty': urlish(true, false),
    'absolute-https-uri-or-empty': urlish(true, true),
    'absolute-https-uri-with-placeholders-or-empty': urlish(true, true),
    'strict-https-uri': urlish(false, true),
    'strict-https-uri-or-null': urlish(true, true),
    'strict-uri': urlish(false, false),
    'callback-url': urlish(false, false),
    'url-or-null': urlish(true, false),
    // ajv-formats' `url` refuses loopback and private addresses (127.0.0.1, 10.x, ...); Auth0 takes them (result_url).
    url: urlish(false, false),
    'non-empty-string': (v) => v.length > 0,
    'email-or-empty': (v) => v === '' || /^[^@\s]+@[^@\s]+$/.test(v),
  };
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, { type: 'string', validate: check });
  // Identifier formats (client-id, connection-id, ...) are checked by the handlers, which know what exists.
  const seen = new Set(Object.keys(formats));
  for (const name of [
    'client-id',
    'organization-id',
    'connection-id',
    'user-id',
    'user-id-with-max-length',
    'role-id',
    'client-grant-id',
    'forms-custom-identifier',
    'flows-vault-connections-id',
    'user-attribute-profile-id',
    'log-stream-id',
    'organization-name',
    'ipv6_cidr',
    'flow-id',
    'connection-realm',
    'cidr',
    'event-stream-id',
    'connection-profile-id',
    'organization-discovery-domain-id',
    'forms-url-https',
    'form-id',
    'authenticator-id',
    'user-invitation-id',
    'token-exchange-profile-id',
    'ticket-id',
    'html-color',
    'acr',
    'hostname-rfc2181',
    'hexadecimal',
    'forms-expression',
    'flow-execution-id',
    'ec-initiate-login-uri-template-url',
    'session-id',
    'html-color-or-null',
    'forms-hex-color',
    'forms-file-extension',
    'event-id',
    'credential-id',
  ]) {
    if (!seen.has(name)) ajv.addFormat(name, true);
  }
}
