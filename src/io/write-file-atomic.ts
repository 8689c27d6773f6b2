import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Writes a file so that readers (and a crash at any moment) see the old bytes or the new ones, never
 * half: write a temporary file beside it, fsync, rename. Leaves the file untouched (same bytes, same
 * mtime) when the content is already right.
 */
export function writeFileAtomic(path: string, content: string, mode: number | undefined = 0o644): WriteOutcome {
  mode ??= 0o644;
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (current === content) return 'unchanged';
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode); // the process umask does not decide a kept mode
  renameSync(tmp, path);
  return current === undefined ? 'created' : 'updated';
}
