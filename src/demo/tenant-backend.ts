import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TenantBackendOptions {
  /** A Python with FastAPI, uvicorn and PyJWT (+cryptography). */
  python: string;
  /** The tenant's emitted folder: its tenant_auth.py and tenant.json are all the backend uses. */
  tenantDir: string;
  /** The browser origin allowed by CORS (the SPA's). */
  spaOrigin: string;
  tls: { cert: string; key: string };
  /** The emulator's CA, for PyJWKClient's HTTPS fetch of the key set (SSL_CERT_FILE). */
  caCertFile: string;
  port?: number;
  /** Where uvicorn's output goes (ignored by default). */
  log?: 'ignore' | 'inherit';
}

export interface RunningTenantBackend {
  url: string;
  process: ChildProcess;
  close(): Promise<void>;
}

/** The FastAPI app: one route guarded by the emitted `require_tenant`, CORS for the SPA exposing WWW-Authenticate. */
const APP_PY = `import os
import sys

sys.path.insert(0, os.environ["TENANT_DIR"])

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from tenant_auth import require_tenant

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=[os.environ["SPA_ORIGIN"]],
    allow_methods=["GET"],
    allow_headers=["authorization"],
    expose_headers=["WWW-Authenticate"],
)


@app.get("/api/whoami")
def whoami(claims: dict = Depends(require_tenant)):
    return {"sub": claims["sub"], "claims": claims}
`;

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });

/**
 * A tenant's backend as a customer would write it: FastAPI under uvicorn over HTTPS on 127.0.0.1, importing
 * only the emitted tenant_auth.py. Resolves once it accepts connections.
 */
export async function startTenantBackend(options: TenantBackendOptions): Promise<RunningTenantBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-backend-'));
  writeFileSync(join(dir, 'app.py'), APP_PY);
  writeFileSync(join(dir, 'cert.pem'), options.tls.cert);
  writeFileSync(join(dir, 'key.pem'), options.tls.key, { mode: 0o600 });
  const port = options.port ?? (await freePort());
  const child = spawn(
    options.python,
    [
      '-m',
      'uvicorn',
      'app:app',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--ssl-certfile',
      'cert.pem',
      '--ssl-keyfile',
      'key.pem',
      '--log-level',
      'warning',
    ],
    {
      cwd: dir,
      stdio: ['ignore', options.log ?? 'ignore', options.log ?? 'ignore'],
      env: {
        ...process.env,
        TENANT_DIR: resolve(options.tenantDir),
        SPA_ORIGIN: options.spaOrigin,
        SSL_CERT_FILE: options.caCertFile,
        PYTHONDONTWRITEBYTECODE: '1',
      },
    },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(3000)]);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    if (await listening(port)) return { url: `https://127.0.0.1:${port}`, process: child, close };
    await sleep(50);
  }
  await close();
  throw new Error(`the FastAPI backend for ${options.tenantDir} did not start (${options.python} -m uvicorn)`);
}
