import type { RunningEmulator } from '../../src/emulator/emulator.js';

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes, each test reads the fields it checks
  body: any;
  headers: Headers;
}

/** A Management API token of the emulator's own M2M application. */
export async function managementToken(e: RunningEmulator): Promise<string> {
  const res = await fetch(`${e.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: e.clientId, client_secret: e.clientSecret, audience: `${e.url}/api/v2/` }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Plain Management API calls (JSON in, JSON out), for endpoints tests drive without the SDK. */
export function managementApi(e: RunningEmulator) {
  let token: string | undefined;
  return async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    token ??= await managementToken(e);
    const res = await fetch(`${e.url}/api/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

/** Creates, builds, deploys and binds a post-login Action. */
export async function deployPostLoginAction(api: ReturnType<typeof managementApi>, name: string, code: string): Promise<void> {
  const action = (await api('POST', '/actions/actions', { name, supported_triggers: [{ id: 'post-login', version: 'v3' }], code })).body;
  for (let i = 0; i < 200 && (await api('GET', `/actions/actions/${action.id}`)).body.status !== 'built'; i++) await new Promise((r) => setTimeout(r, 20));
  await api('POST', `/actions/actions/${action.id}/deploy`);
  const current = (await api('GET', '/actions/triggers/post-login/bindings')).body.bindings ?? [];
  await api('PATCH', '/actions/triggers/post-login/bindings', {
    bindings: [
      ...current.map((b: { action: { id: string }; display_name: string }) => ({
        ref: { type: 'action_id', value: b.action.id },
        display_name: b.display_name,
      })),
      { ref: { type: 'action_id', value: action.id }, display_name: name },
    ],
  });
}
