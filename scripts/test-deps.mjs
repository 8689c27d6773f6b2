#!/usr/bin/env node
// Provisions what the test suite needs beyond npm packages, so `npm test` works on a fresh machine:
// a Python with PyJWT (+cryptography), FastAPI, uvicorn and httpx for the generated tenant_auth.py, and a
// Chromium for the real-browser test with NSS's certutil (libnss3-tools) to make it trust the emulator's CA. Debian packages when run as root on Debian (as CI is), else a virtual
// environment under .cache/ for Python and the first Chromium/Chrome on PATH. Writes .cache/test-deps.json,
// which test/helpers/test-deps.ts reads. Exits 1 with a message naming what to install when neither works.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache');
const PY_MODULES = 'import jwt, cryptography, fastapi, uvicorn, httpx';
const DEBIAN_PY = ['python3-jwt', 'python3-cryptography', 'python3-fastapi', 'python3-uvicorn', 'python3-httpx'];
const PIP_PY = ['PyJWT[crypto]', 'fastapi', 'uvicorn', 'httpx'];
const CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

const log = (message) => process.stderr.write(`test-deps: ${message}\n`);
const run = (cmd, args, quiet = true) => spawnSync(cmd, args, { stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'] });
const ok = (cmd, args) => run(cmd, args).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version');
let aptUpdated = false;

function aptInstall(packages) {
  if (!isRoot || !hasApt) return false;
  log(`installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    aptUpdated = true;
  }
  return spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'ignore', env }).status === 0;
}

function python() {
  const fromEnv = process.env.TENANTS_TEST_PYTHON;
  if (fromEnv) return fromEnv;
  const system = '/usr/bin/python3';
  if (existsSync(system) && ok(system, ['-c', PY_MODULES])) return system;
  if (aptInstall(DEBIAN_PY) && ok(system, ['-c', PY_MODULES])) return system;
  const venv = join(cache, 'venv');
  const venvPython = join(venv, 'bin', 'python');
  if (existsSync(venvPython) && ok(venvPython, ['-c', PY_MODULES])) return venvPython;
  for (const base of ['python3', system]) {
    if (!ok(base, ['-m', 'venv', '--help'])) continue;
    log(`creating a Python virtual environment in ${venv} (${PIP_PY.join(', ')})`);
    if (run(base, ['-m', 'venv', venv], false).status !== 0) continue;
    if (run(venvPython, ['-m', 'pip', 'install', '-q', ...PIP_PY], false).status === 0 && ok(venvPython, ['-c', PY_MODULES])) {
      return venvPython;
    }
  }
  throw new Error(
    'no Python with PyJWT, cryptography, FastAPI, uvicorn and httpx: install them (Debian: apt-get install ' +
      `${DEBIAN_PY.join(' ')}; elsewhere: python3 -m pip install ${PIP_PY.join(' ')}), or set TENANTS_TEST_PYTHON`,
  );
}

function chromium() {
  const fromEnv = process.env.TENANTS_TEST_CHROMIUM;
  if (fromEnv) return fromEnv;
  const found = () => CHROMIUMS.find((path) => existsSync(path));
  const present = found();
  if (present) return present;
  if (aptInstall(['chromium'])) return found();
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  }
  throw new Error('no Chromium for the browser test: install it (Debian: apt-get install chromium), or set TENANTS_TEST_CHROMIUM');
}

function certutil() {
  const fromEnv = process.env.TENANTS_TEST_CERTUTIL;
  if (fromEnv) return fromEnv;
  const system = '/usr/bin/certutil';
  if (existsSync(system)) return system;
  if (aptInstall(['libnss3-tools']) && existsSync(system)) return system;
  const which = spawnSync('sh', ['-c', 'command -v certutil'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('no NSS certutil for the browser test: install it (Debian: apt-get install libnss3-tools), or set TENANTS_TEST_CERTUTIL');
}

try {
  const deps = { python: python(), chromium: chromium(), certutil: certutil() };
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'test-deps.json'), `${JSON.stringify(deps, null, 2)}\n`);
  log(`python ${deps.python}, chromium ${deps.chromium}, certutil ${deps.certutil}`);
} catch (error) {
  log(error.message);
  process.exit(1);
}
