import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshState } from '../../src/emulator/fresh-state.js';
import { State } from '../../src/emulator/state.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
  dirs.push(dir);
  return join(dir, 'state.json');
};

describe('a saved --state file', () => {
  it('keeps loading when it was saved before collections were added (they default to empty)', async () => {
    const path = file();
    const fresh = await freshState();
    // An older file: no login grants, bindings, action versions or users yet.
    const { grants: _g, bindings: _b, actionVersions: _v, users: _u, ...old } = fresh;
    writeFileSync(path, JSON.stringify(old));
    const state = await State.load(path, freshState);
    expect(state.data.managementClientId).toBe(fresh.managementClientId);
    expect(state.data.clients).toEqual(fresh.clients);
    expect(state.data).toMatchObject({ grants: {}, bindings: {}, actionVersions: {}, users: {} });
    state.commit();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ grants: {}, users: {} });
  });

  it('refuses a broken file naming the field, instead of failing later', async () => {
    const path = file();
    writeFileSync(path, JSON.stringify({ version: 1, signingKeys: [] }));
    await expect(State.load(path, freshState)).rejects.toThrow(/field "managementClientId"/);
    writeFileSync(path, '{not json');
    await expect(State.load(path, freshState)).rejects.toThrow(/not valid JSON/);
  });
});
