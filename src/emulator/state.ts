import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export type Entity = Record<string, unknown>;

export interface Binding {
  id: string;
  trigger_id: string;
  action_id: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

/** Everything a tenant holds. Plain JSON so that `--state` can persist it as is. */
export interface StateData {
  version: 1;
  managementClientId: string;
  signingKeys: Entity[];
  clients: Record<string, Entity>;
  resourceServers: Record<string, Entity>;
  clientGrants: Record<string, Entity>;
  actions: Record<string, Entity>;
  actionVersions: Record<string, Entity[]>;
  bindings: Record<string, Binding[]>;
  users: Record<string, Entity>;
  /** Authorization codes and refresh tokens issued by logins. */
  grants: Record<string, Entity>;
}

const entity = z.record(z.string(), z.unknown());
const collection = z.record(z.string(), entity).default({});

/**
 * A saved `--state` file as read back: what identifies the tenant is required, every collection defaults to
 * empty, so a file saved before a collection was added keeps loading (unknown keys are kept).
 */
export const stateDataSchema = z.looseObject({
  version: z.literal(1).default(1),
  managementClientId: z.string().min(1),
  signingKeys: z.array(entity).min(1),
  clients: collection,
  resourceServers: collection,
  clientGrants: collection,
  actions: collection,
  actionVersions: z.record(z.string(), z.array(entity)).default({}),
  bindings: z
    .record(
      z.string(),
      z.array(
        z.looseObject({
          id: z.string(),
          trigger_id: z.string(),
          action_id: z.string(),
          display_name: z.string(),
          created_at: z.string(),
          updated_at: z.string(),
        }),
      ),
    )
    .default({}),
  users: collection,
  grants: collection,
});

/** Parses a saved state; a broken file is refused naming the field (the emulator does not start on it). */
export function parseStateData(text: string, file: string): StateData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); delete it to start from a fresh tenant.`, { cause: error });
  }
  const parsed = stateDataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field "${issue?.path.join('.') || '(root)'}" ${issue?.message ?? 'is invalid'}; delete the file to start from a fresh tenant.`);
  }
  return parsed.data as StateData;
}

export const newId = (bytes = 24): string => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');
export const newUuid = (): string => randomUUID();
export const nowIso = (): string => new Date().toISOString();

/**
 * The emulator's tenant state. Mutations go through `commit()`, which persists the whole state
 * atomically (write to a temporary file, then rename) when a state file was given, so a crash or
 * SIGKILL leaves either the previous or the next state, never half of one.
 */
export class State {
  constructor(
    readonly data: StateData,
    private readonly file: string | undefined,
  ) {}

  static async load(file: string | undefined, fresh: () => Promise<StateData>): Promise<State> {
    if (file) {
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (text !== undefined) return new State(parseStateData(text, file), file);
    }
    const state = new State(await fresh(), file);
    state.commit();
    return state;
  }

  commit(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
