import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TenantsError } from '../core/tenants-error.js';

/**
 * Refuses (exit 2) a folder that files cannot be written to, before anything is sent to Auth0: the
 * folder itself when it exists, else the nearest existing parent (where it would be created). Writes
 * nothing, so it holds for --dry-run too.
 */
export function assertWritableDir(dir: string, field: string): void {
  let path = resolve(dir);
  for (;;) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(path).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unwritable(dir, field, (error as NodeJS.ErrnoException).code ?? 'unreadable');
    }
    if (isDir === false) throw unwritable(dir, field, `${path} is a file, not a folder`);
    if (isDir) {
      try {
        accessSync(path, constants.W_OK | constants.X_OK);
        return;
      } catch {
        throw unwritable(dir, field, `${path} is not writable`);
      }
    }
    const parent = dirname(path);
    if (parent === path) throw unwritable(dir, field, 'no existing parent folder');
    path = parent;
  }
}

const unwritable = (dir: string, field: string, why: string): TenantsError =>
  new TenantsError('usage', 'output_not_writable', `Cannot write the tenant files to ${dir} (${why}); nothing was sent to Auth0.`, {
    hint: `Set ${field} to a folder you can write to, or fix its permissions.`,
  });
