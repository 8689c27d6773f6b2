import { collect, type CliResult } from './cli.js';

import { PYTHON } from './test-deps.js';

export { PYTHON };

export function runPython(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return collect(PYTHON, args, { env: { PYTHONDONTWRITEBYTECODE: '1', ...env } });
}
