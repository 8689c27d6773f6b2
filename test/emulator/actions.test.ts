import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Management, ManagementError, type ManagementClient } from 'auth0';
import type { RunningEmulator } from '../../src/emulator/emulator.js';
import { sdkFor, specComplaint, testEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let sdk: ManagementClient;
// The emulator's clock runs ahead of the real one by what waitBuilt skips: a build never completes on its own
// during a test (however loaded the machine), and waiting for it takes no time.
let skipped = 0;
beforeAll(async () => {
  emulator = await testEmulator({ actionBuildMs: 1500, now: () => Date.now() + skipped });
  sdk = sdkFor(emulator);
});
afterAll(() => emulator.close());

const postLogin = [{ id: 'post-login' as const, version: 'v3' }];
const waitBuilt = async (id: string) => {
  skipped += 1500;
  if ((await sdk.actions.get(id)).status !== 'built') throw new Error('not built after the build time');
};

describe('actions and post-login bindings', () => {
  it('starts pending, refuses deploy until built, then deploys', async () => {
    const created = await sdk.actions
      .create({ name: 'tenant-claim', supported_triggers: postLogin, code: 'exports.onExecutePostLogin = async () => {};', runtime: 'node22' })
      .withRawResponse();
    expect(created.rawResponse.status).toBe(201);
    expect(created.data.status).toBe('pending');
    expect(specComplaint(emulator, 'post_action', 201, created.data)).toBeNull();
    const early = await sdk.actions.deploy(created.data.id!).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(Management.BadRequestError);
    expect((early as Management.BadRequestError).body).toMatchObject({ message: expect.stringContaining("'built' state") });
    await waitBuilt(created.data.id!);
    const version = await sdk.actions.deploy(created.data.id!);
    expect(version.deployed).toBe(true);
    expect(specComplaint(emulator, 'post_deploy_action', 202, version)).toBeNull();
    const fetched = await sdk.actions.get(created.data.id!);
    expect(fetched.all_changes_deployed).toBe(true);
    expect(specComplaint(emulator, 'get_action', 200, fetched)).toBeNull();
    const listed = await sdk.actions.list({ actionName: 'tenant-claim' });
    expect(listed.data.map((a) => a.id)).toEqual([created.data.id]);
    expect(specComplaint(emulator, 'get_actions', 200, listed.response)).toBeNull();
  });

  it('replaces the whole binding list on PATCH and refuses to delete a bound action', async () => {
    const make = async (name: string) => {
      const a = await sdk.actions.create({ name, supported_triggers: postLogin, code: 'exports.onExecutePostLogin = async () => {};' });
      await waitBuilt(a.id!);
      await sdk.actions.deploy(a.id!);
      return a.id!;
    };
    const foreign = await make('foreign');
    const ours = await make('ours');
    await sdk.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: foreign }, display_name: 'foreign' }] });
    const replaced = await sdk.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_id', value: ours }, display_name: 'ours' }],
    });
    expect(specComplaint(emulator, 'patch_bindings', 200, replaced)).toBeNull();
    const list = await sdk.actions.triggers.bindings.list('post-login');
    expect(specComplaint(emulator, 'get_bindings', 200, list.response)).toBeNull();
    // PATCH replaced the list: the foreign binding is gone, as on Auth0.
    expect(list.data.map((b) => b.display_name)).toEqual(['ours']);

    const bound = await sdk.actions.delete(ours).catch((e: unknown) => e);
    expect((bound as ManagementError).statusCode).toBe(409);
    await sdk.actions.delete(foreign);
    await sdk.actions.delete(ours, { force: true });
    expect((await sdk.actions.triggers.bindings.list('post-login')).data).toEqual([]);
  });

  it('deploys an action created with deploy: true once it is built', async () => {
    const created = await sdk.actions.create({
      name: 'auto',
      supported_triggers: postLogin,
      code: 'exports.onExecutePostLogin = async () => {};',
      deploy: true,
    });
    expect(created.deployed_version).toBeUndefined();
    await waitBuilt(created.id!);
    const action = await sdk.actions.get(created.id!);
    expect(action.deployed_version?.deployed).toBe(true);
    expect(action.all_changes_deployed).toBe(true);
  });

  it('refuses to bind an action that was never deployed', async () => {
    const draft = await sdk.actions.create({ name: 'draft', supported_triggers: postLogin });
    const error = await sdk.actions.triggers.bindings
      .updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: draft.id! } }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Management.BadRequestError);
  });
});
