import { collect, type CliResult } from './cli.js';

/** Debian's interpreter, which has python3-jwt and python3-fastapi (the first python3 on PATH may not). */
export const PYTHON = '/usr/bin/python3';

export function runPython(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return collect(PYTHON, args, { env: { PYTHONDONTWRITEBYTECODE: '1', ...env } });
}
