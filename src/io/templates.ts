import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const cache = new Map<string, string>();

/** A file of templates/ (the Action source and the files we emit), read as data once per process. */
export function readTemplate(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(`${TEMPLATES}${name}`, 'utf8');
    cache.set(name, text);
  }
  return text;
}
