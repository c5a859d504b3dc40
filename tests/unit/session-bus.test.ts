// Where there is no session bus, the keychain is known to be unavailable without loading its code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { missingSessionBus } from '../../src/core/store/secret-backend.js';

describe('missingSessionBus', () => {
  const runtime = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? tmpdir(), 'runtime-'));

  test('Linux without a bus address or a bus socket: no bus, said with both places looked at', () => {
    expect(missingSessionBus({ XDG_RUNTIME_DIR: runtime }, 'linux')).toBe(
      'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and $XDG_RUNTIME_DIR/bus does not exist',
    );
    expect(missingSessionBus({}, 'linux')).toBeDefined();
  });

  test('a bus address, or the socket systemd makes, is a bus (whether it answers is for the keychain code to find out)', () => {
    expect(missingSessionBus({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nowhere' }, 'linux')).toBeUndefined();
    const withBus = mkdtempSync(path.join(runtime, 'user-'));
    writeFileSync(path.join(withBus, 'bus'), '');
    expect(missingSessionBus({ XDG_RUNTIME_DIR: withBus }, 'linux')).toBeUndefined();
  });

  test('macOS and Windows keychains need no bus', () => {
    expect(missingSessionBus({}, 'darwin')).toBeUndefined();
    expect(missingSessionBus({}, 'win32')).toBeUndefined();
  });
});
