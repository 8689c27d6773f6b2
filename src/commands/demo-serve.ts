import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChalkInstance } from 'chalk';
import { findFastApiPython } from '../demo/find-fastapi-python.js';
import type { RunningSampleSpa } from '../demo/sample-spa.js';
import { startTenantBackend, type RunningTenantBackend } from '../demo/tenant-backend.js';
import type { RunningEmulator } from '../emulator/emulator.js';

const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SERVED_TENANTS = ['acme', 'globex'];

export interface Served {
  emulator: string;
  caCertFile: string;
  spa: Record<string, string>;
  backends: Record<string, string>;
  /** Set when no Python with FastAPI was found: why the backends are not running. */
  backendsMissing?: string;
  close(): Promise<void>;
}

/**
 * `demo --serve`: starts acme's and globex's FastAPI backends (the emitted tenant_auth.py, CORS for the SPA)
 * and prints where everything runs and how to make a browser trust the emulator's certificate.
 */
export async function startServing(options: {
  emulator: RunningEmulator;
  spa: RunningSampleSpa;
  dir: string;
  tls: { cert: string; key: string };
  backends: Record<string, string>;
  env: NodeJS.ProcessEnv;
  say: (text: string) => void;
  c: ChalkInstance;
}): Promise<Served> {
  const { emulator, spa, dir, say, c } = options;
  const { python, tried } = findFastApiPython(PROJECT_ROOT, options.env);
  const running: RunningTenantBackend[] = [];
  let backendsMissing: string | undefined;
  if (python) {
    for (const tenant of SERVED_TENANTS) {
      const backend = await startTenantBackend({
        python,
        tenantDir: join(dir, 'tenants', tenant),
        spaOrigin: spa.origin,
        tls: options.tls,
        caCertFile: emulator.caCertFile,
      });
      running.push(backend);
      options.backends[tenant] = backend.url;
    }
  } else {
    backendsMissing =
      `No Python with FastAPI, uvicorn and PyJWT found (tried ${tried.join(', ')}): the backends are not running. ` +
      'Install them (Debian: apt-get install python3-fastapi python3-uvicorn python3-jwt python3-cryptography; elsewhere: ' +
      'python3 -m pip install fastapi uvicorn "PyJWT[crypto]") or set TENANTS_PYTHON, then run the demo again.';
  }
  say(
    [
      '',
      c.bold('Serving on 127.0.0.1 until Ctrl-C'),
      `  Auth0 emulator     ${emulator.url}`,
      ...SERVED_TENANTS.map((t) => `  ${`${t} SPA`.padEnd(18)} ${spa.urlOf(t)}`),
      ...(python
        ? SERVED_TENANTS.map((t) => `  ${`${t} backend`.padEnd(18)} ${options.backends[t]}/api/whoami  (FastAPI + tenants/${t}/tenant_auth.py)`)
        : [`  ${c.yellow(backendsMissing ?? '')}`]),
      '',
      c.bold("Trust the emulator's certificate first") + ` (new for every run: ${emulator.caCertFile})`,
      `  Chrome/Chromium on Linux: certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n auth0-tenants-demo -i ${emulator.caCertFile}`,
      `  macOS: security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db ${emulator.caCertFile}`,
      '  Firefox: Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import',
      '',
      c.bold('Then'),
      `  open ${spa.urlOf('acme')}, "Log in" as ann@acme.example / Demo-passw0rd (or open ben's invitation link above,`,
      '  set his password, and log in as ben@acme.example),',
      `  "Call acme's backend" (200) and "Call globex's backend" (401 wrong_application);`,
      `  open ${spa.urlOf('globex')} and "Log in": the Action denies ann (access_denied); "Log out" returns to the page.`,
    ].join('\n'),
  );
  return {
    emulator: emulator.url,
    caCertFile: emulator.caCertFile,
    spa: Object.fromEntries(SERVED_TENANTS.map((t) => [t, spa.urlOf(t)])),
    backends: { ...options.backends },
    ...(backendsMissing ? { backendsMissing } : {}),
    close: async () => {
      await Promise.all(running.map((b) => b.close()));
    },
  };
}
