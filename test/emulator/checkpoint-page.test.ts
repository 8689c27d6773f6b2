import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'auth0';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { sdkFor, testEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let sdk: ManagementClient;
beforeAll(async () => {
  emulator = await testEmulator();
  sdk = sdkFor(emulator);
});
afterAll(() => emulator.close());

describe('checkpoint paging of organizations', () => {
  it('lists mixed-case ids (as Auth0 makes them) exactly once each through the SDK pager', async () => {
    // Ids where code-unit order and locale order disagree ('Q' < 'a' < 'q' in code units; a < Q < q by locale).
    const ids = Array.from({ length: 250 }, (_, i) => `org_${String.fromCharCode(i % 2 ? 65 + (i % 26) : 97 + (i % 26))}${(i * 7919).toString(36)}`);
    for (const [i, id] of ids.entries()) emulator.tenant.state.data.organizations![id] = { id, name: `o${i}` };
    const seen: string[] = [];
    for await (const org of await sdk.organizations.list({ take: 40 })) seen.push(org.id!);
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(new Set(ids));
  });
});
