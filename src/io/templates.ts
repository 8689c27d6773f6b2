import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

/** A file of templates/ (the Action source and the files we emit), read as data. */
export function readTemplate(name: string): string {
  return readFileSync(`${TEMPLATES}${name}`, 'utf8');
}
