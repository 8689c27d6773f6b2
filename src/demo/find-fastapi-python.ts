import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MODULES = 'import fastapi, uvicorn, jwt, cryptography';

/**
 * A Python that can run the emitted tenant_auth.py under FastAPI: `TENANTS_PYTHON`, then the one `npm test`
 * provisioned (.cache/test-deps.json in the project), then Debian's /usr/bin/python3, then `python3` on PATH.
 * Returns the interpreters tried as well, so a caller can say what is missing.
 */
export function findFastApiPython(
  projectRoot: string,
  env: NodeJS.ProcessEnv,
  fallbacks = ['/usr/bin/python3', 'python3'],
): { python: string | undefined; tried: string[] } {
  const candidates: string[] = [];
  if (env['TENANTS_PYTHON']) candidates.push(env['TENANTS_PYTHON']);
  const provisioned = join(projectRoot, '.cache', 'test-deps.json');
  if (existsSync(provisioned)) {
    try {
      const python = (JSON.parse(readFileSync(provisioned, 'utf8')) as { python?: unknown }).python;
      if (typeof python === 'string') candidates.push(python);
    } catch {
      // an unreadable cache is no candidate
    }
  }
  candidates.push(...fallbacks);
  const tried = [...new Set(candidates)];
  const python = tried.find((candidate) => spawnSync(candidate, ['-c', MODULES], { stdio: 'ignore', timeout: 15_000 }).status === 0);
  return { python, tried };
}
