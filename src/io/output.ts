import { Chalk, type ChalkInstance } from 'chalk';
import { stripVTControlCharacters } from 'node:util';

/** The version of every `--json` document's shape; bumped when a shape changes incompatibly. */
export const JSON_SCHEMA_VERSION = 1;

export interface OutputOptions {
  json: boolean;
  /** Colour for both streams, or decided per stream (`tenants doctor > report.txt` on a terminal: none in the file). */
  color: boolean | { stdout: boolean; stderr: boolean };
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * The only way commands talk to the user: results to stdout (with --json exactly one JSON document),
 * messages and progress to stderr. Colour only when allowed: NO_COLOR, --no-color and non-TTYs turn it
 * off (chalk does not read NO_COLOR by itself).
 */
export class Output {
  readonly json: boolean;
  readonly color: ChalkInstance;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;
  private readonly colorStdout: boolean;
  private readonly colorStderr: boolean;
  private emitted = false;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    const color = typeof options.color === 'boolean' ? { stdout: options.color, stderr: options.color } : options.color;
    this.colorStdout = color.stdout;
    this.colorStderr = color.stderr;
    // One palette for renderers; each stream drops the escape codes it may not carry.
    this.color = new Chalk({ level: color.stdout || color.stderr ? 1 : 0 });
  }

  /** The command's result: `human` text normally, `data` as one JSON document with --json. */
  result(data: unknown, human?: string): void {
    if (this.json) {
      if (this.emitted) throw new Error('a --json command emits exactly one document');
      this.emitted = true;
      // Every JSON document carries the version of its shape (README's "JSON output" lists them).
      const doc = data !== null && typeof data === 'object' && !Array.isArray(data) ? { schemaVersion: JSON_SCHEMA_VERSION, ...data } : data;
      this.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else if (human !== undefined) {
      const text = this.colorStdout ? human : stripVTControlCharacters(human);
      this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /**
   * One record of a stream of results (`verify-token --batch`): a compact JSON line with --json (NDJSON),
   * else the `human` line, each with `schemaVersion`. Any number of records; not mixed with `result`.
   */
  record(data: unknown, human: string): void {
    const doc = data !== null && typeof data === 'object' && !Array.isArray(data) ? { schemaVersion: JSON_SCHEMA_VERSION, ...data } : data;
    this.stdout.write(`${this.json ? JSON.stringify(doc) : human}\n`);
  }

  /** A message for the person at the terminal (stderr, never parsed). */
  message(text: string): void {
    this.stderr.write(`${this.colorStderr ? text : stripVTControlCharacters(text)}\n`);
  }

  /** Where progress bars go (stderr): commands take it from here, never from `process`. */
  get progressStream(): NodeJS.WritableStream & { isTTY?: boolean } {
    return this.stderr;
  }

  get hasEmitted(): boolean {
    return this.emitted;
  }
}

export function colorAllowed(flag: boolean, env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (!flag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return Boolean(isTTY);
}
