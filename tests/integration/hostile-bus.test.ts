// A session bus that is hostile or broken: bytes without end while authenticating, a message announced as 100 MiB,
// or no answer at all. Each is a real unix socket; the client must stop reading early, close the connection, and
// give up within the keychain's deadline, which stays in force while it reads.
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { Clock } from '../../src/core/clock.js';
import { systemClock } from '../../src/core/clock.js';
import { DBusConnection } from '../../src/core/store/keychain/dbus.js';
import { KeychainSecretBackend, KeychainUnavailableError } from '../../src/core/store/secret-backend.js';
import { waitUntil } from '../helpers/fault-server.js';
import { FAKE } from '../helpers/fixtures.js';
import { Deadlines } from '../helpers/in-process.js';

/** The most a hostile peer is allowed to push before the test calls the client's reading unbounded. */
const FLOOD_LIMIT = 16 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

interface HostileBus {
  address: string;
  /** Bytes the peer wrote before the client closed the connection (or it gave up at FLOOD_LIMIT). */
  written(): number;
  /** Resolves once the client has closed its end. */
  clientClosed: Promise<void>;
  /** Everything the client sent. */
  heard(): string;
}

const open: net.Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** Writes `chunk` over and over until the client closes or FLOOD_LIMIT is reached, honouring back-pressure. */
function flood(socket: net.Socket, chunk: Buffer, count: { bytes: number }): void {
  const more = (): void => {
    while (!socket.destroyed && count.bytes < FLOOD_LIMIT) {
      count.bytes += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', more);
    }
    if (!socket.destroyed) socket.end();
  };
  more();
}

/** A unix socket that plays a bus: `onAuth` once the client asks to authenticate, `onBegin` once it begins. */
async function hostileBus(behaviour: { onAuth?: (socket: net.Socket, count: { bytes: number }) => void; onBegin?: (socket: net.Socket, count: { bytes: number }) => void }): Promise<HostileBus> {
  const socketPath = path.join(mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'bus-')), 'bus');
  const count = { bytes: 0 };
  let heard = '';
  let closed = (): void => undefined;
  const clientClosed = new Promise<void>((resolve) => (closed = resolve));
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('close', () => closed());
    let authed = false;
    socket.on('data', (chunk: Buffer) => {
      heard += chunk.toString('latin1');
      if (!authed && heard.includes('AUTH EXTERNAL')) {
        authed = true;
        behaviour.onAuth?.(socket, count);
      } else if (authed && heard.includes('BEGIN\r\n') && behaviour.onBegin) {
        const onBegin = behaviour.onBegin;
        behaviour.onBegin = undefined;
        onBegin(socket, count);
      }
    });
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { address: `unix:path=${socketPath}`, written: () => count.bytes, clientClosed, heard: () => heard };
}

const accept = (socket: net.Socket): void => void socket.write('OK 0123456789abcdef0123456789abcdef\r\n');

/** A message header announcing a body of `bodyBytes` (a method return to serial 1), with no header fields. */
function announcing(bodyBytes: number): Buffer {
  const header = Buffer.alloc(16);
  header.write('l', 0, 'latin1');
  header.writeUInt8(2, 1);
  header.writeUInt8(1, 3);
  header.writeUInt32LE(bodyBytes, 4);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(0, 12);
  return header;
}

describe('a hostile session bus', () => {
  test('endless bytes while authenticating: refused after 1 KiB of them, the connection closed', async () => {
    const bus = await hostileBus({ onAuth: (socket, count) => flood(socket, CHUNK, count) });
    await expect(DBusConnection.open(bus.address, 1000)).rejects.toThrow('the session bus sent an authentication line longer than 1 KiB');
    await bus.clientClosed;
    expect(bus.written()).toBeLessThan(FLOOD_LIMIT);
  });

  test('a message announced as 100 MiB: refused from its header, the connection closed, its body never read', async () => {
    const bus = await hostileBus({
      onAuth: accept,
      onBegin: (socket, count) => {
        socket.write(announcing(100 * 1024 * 1024));
        flood(socket, Buffer.alloc(64 * 1024), count);
      },
    });
    await expect(DBusConnection.open(bus.address, 1000)).rejects.toThrow('the session bus sent a malformed message (a message is longer than 1 MiB)');
    await bus.clientClosed;
    expect(bus.written()).toBeLessThan(FLOOD_LIMIT);
  });

  test('a whole message delivered in many small pieces is still read', async () => {
    const bus = await hostileBus({
      onAuth: accept,
      onBegin: (socket) => {
        // The answer to Hello (a method return to serial 1, body: one string), one byte per write.
        const name = Buffer.from(':1.42\0', 'latin1');
        const body = Buffer.concat([Buffer.from([5, 0, 0, 0]), name]);
        const fields = Buffer.concat([
          Buffer.from([5, 1, 0x75, 0]), Buffer.from([1, 0, 0, 0]), // REPLY_SERIAL, u, 1
          Buffer.from([8, 1, 0x67, 0]), Buffer.from([1, 0x73, 0]), // SIGNATURE, g, "s"
        ]);
        const header = announcing(body.length);
        header.writeUInt32LE(fields.length, 12);
        const padding = Buffer.alloc((8 - (fields.length % 8)) % 8);
        const message = Buffer.concat([header, fields, padding, body]);
        for (const byte of message) socket.write(Buffer.from([byte]));
      },
    });
    const connection = await DBusConnection.open(bus.address, 1000);
    connection.close();
    await bus.clientClosed;
  });
});

describe('the keychain deadline holds while the bus is being read', () => {
  /** The run's clock, with the keychain's 3 s deadline ended by the test. */
  function clockOf(deadlines: Deadlines): Clock {
    return { ...systemClock, deadline: () => deadlines.create() };
  }

  test('a bus that never finishes authenticating: the save fails as keychain_unavailable and the connection is closed', async () => {
    const deadlines = new Deadlines();
    const bus = await hostileBus({ onAuth: () => deadlines.expire() });
    const backend = new KeychainSecretBackend({ DBUS_SESSION_BUS_ADDRESS: bus.address }, clockOf(deadlines));
    const saving = backend.write('pingone', 'default', { clientSecret: FAKE.clientSecret });
    await expect(saving).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(saving).rejects.toThrow('no answer within 3 s');
    await bus.clientClosed;
  });

  test('a bus that trickles a message and never finishes it: the same', async () => {
    const deadlines = new Deadlines();
    const bus = await hostileBus({
      onAuth: accept,
      onBegin: (socket) => {
        socket.write(announcing(512 * 1024));
        socket.write(Buffer.alloc(100), () => deadlines.expire());
      },
    });
    const backend = new KeychainSecretBackend({ DBUS_SESSION_BUS_ADDRESS: bus.address }, clockOf(deadlines));
    await expect(backend.write('pingone', 'default', { clientSecret: FAKE.clientSecret })).rejects.toThrow('no answer within 3 s');
    await bus.clientClosed;
    await waitUntil(() => bus.heard().includes('BEGIN'), 'the client began');
  });
});
