// Where a run keeps secrets is decided once, when its profile store is opened: the run's environment is read then,
// and every save and removal of that run goes where it said, with no second look at the variable.
import { expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { FAKE } from '../helpers/fixtures.js';
import { systemClock } from '../../src/core/clock.js';
import { openProfileStore } from '../../src/core/store/profile-store.js';

test('a run that chose the file keeps to it, even when the variable changes while it runs', async () => {
  const configDir = tempConfigDir();
  const env: NodeJS.ProcessEnv = { CONNECTOR_SETUP_CONFIG_DIR: configDir, CONNECTOR_SETUP_SECRET_STORE: 'file' };
  const notices: string[] = [];
  const store = openProfileStore({ env, clock: systemClock, notice: (text) => notices.push(text) });
  try {
    await store.update('pingone', 'first', { values: { clientId: FAKE.clientId }, secrets: { clientSecret: FAKE.clientSecret } });
    // No keychain can be reached here (no session bus): a store that looked again would try it and say so.
    env.CONNECTOR_SETUP_SECRET_STORE = 'keychain';
    await store.update('pingone', 'second', { values: { clientId: FAKE.clientId }, secrets: { clientSecret: FAKE.clientSecret } });
    expect((await store.get('pingone', 'second'))?.secretStore).toBe('file');
    expect(await store.remove('pingone', 'first')).toBe(true);
    expect(notices).toEqual([]);
  } finally {
    store.close();
  }
});

test('a run whose variable names no store is refused at its first save, with the values it accepts', async () => {
  const configDir = tempConfigDir();
  const store = openProfileStore({ env: { CONNECTOR_SETUP_CONFIG_DIR: configDir, CONNECTOR_SETUP_SECRET_STORE: 'vault' }, clock: systemClock, notice: () => undefined });
  try {
    await expect(store.update('pingone', 'default', { values: {}, secrets: { clientSecret: FAKE.clientSecret } })).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'CONNECTOR_SETUP_SECRET_STORE must be keychain or file, not "vault".',
    });
    expect(await store.list()).toEqual([]);
  } finally {
    store.close();
  }
});
