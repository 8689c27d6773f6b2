import { describe, expect, it } from 'vitest';
import { checkpointPage } from '../../src/emulator/management/checkpoint-page.js';

describe("the emulator's checkpoint paging", () => {
  it('serves every item exactly once across pages, mixed-case ids given in localeCompare order included', () => {
    // Organization ids mix cases: localeCompare puts org_a... before org_B..., the `from` comparison does not.
    const ids = ['org_aZ', 'org_B1', 'org_b2', 'org_Ca', 'org_c0', 'org_D9', 'org_d1', 'org_E', 'org_e', 'org_F'].sort((a, b) => a.localeCompare(b));
    const served: string[] = [];
    let from: string | undefined;
    for (let page = 0; page < 20; page++) {
      const answer = checkpointPage(ids, (id) => id, { take: 3, ...(from ? { from } : {}) }, 'organizations') as { organizations: string[]; next?: string };
      served.push(...answer.organizations);
      if (!answer.next) break;
      from = answer.next;
    }
    expect(served).toHaveLength(ids.length);
    expect(new Set(served)).toEqual(new Set(ids));
  });
});
