// The D-Bus wire format the Secret Service client speaks (src/core/store/keychain/dbus.ts): every signature it sends
// or reads round-trips, values sit at the alignment the specification gives them, big-endian messages are read
// as well as little-endian ones, and bytes that are not a message are refused with one error type, never a crash.
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  type DBusValue,
  DBusConnection,
  MalformedMessageError,
  MessageType,
  decodeMessage,
  encodeMessage,
  marshal,
  messageLength,
  socketPaths,
  unmarshal,
} from '../../src/core/store/keychain/dbus.js';

/** Text a D-Bus string may hold: any Unicode but NUL. */
const text = fc.string({ unit: 'grapheme' }).filter((value) => !value.includes('\0'));
const objectPath = fc.array(fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/), { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const bytes = fc.uint8Array({ maxLength: 64 }).map((array) => Buffer.from(array));
const dictOf = <V extends DBusValue>(value: fc.Arbitrary<V>) => fc.array(fc.tuple(text, value), { maxLength: 5 });
const variant = fc.oneof(
  text.map((value) => ({ signature: 's', value })),
  fc.nat({ max: 0xffffffff }).map((value) => ({ signature: 'u', value })),
  dictOf(text).map((value) => ({ signature: 'a{ss}', value })),
  fc.array(objectPath, { maxLength: 3 }).map((value) => ({ signature: 'ao', value })),
  fc.boolean().map((value) => ({ signature: 'b', value })),
);
const secret = fc.tuple(objectPath, bytes, bytes, text);

/** Each signature the client sends or reads, with values it may carry. */
const SIGNATURES: Array<[string, fc.Arbitrary<DBusValue[]>]> = [
  ['s', fc.tuple(text)],
  ['o', fc.tuple(objectPath)],
  ['sv', fc.tuple(text, variant)], // OpenSession
  ['vo', fc.tuple(variant, objectPath)], // its reply
  ['a{ss}', fc.tuple(dictOf(text))], // SearchItems
  ['aoao', fc.tuple(fc.array(objectPath, { maxLength: 4 }), fc.array(objectPath, { maxLength: 4 }))], // its reply
  ['ao', fc.tuple(fc.array(objectPath, { maxLength: 4 }))], // Unlock
  ['aoo', fc.tuple(fc.array(objectPath, { maxLength: 4 }), objectPath)], // its reply
  ['a{sv}(oayays)b', fc.tuple(dictOf(variant), secret, fc.boolean())], // CreateItem
  ['oo', fc.tuple(objectPath, objectPath)], // its reply, Delete's
  ['(oayays)', fc.tuple(secret)], // GetSecret's reply
  ['bv', fc.tuple(fc.boolean(), variant)], // Prompt.Completed
  ['ya(yv)', fc.tuple(fc.nat({ max: 255 }), fc.array(fc.tuple(fc.nat({ max: 255 }), variant), { maxLength: 4 }))], // header fields
  ['nqixtd', fc.tuple(fc.integer({ min: -0x8000, max: 0x7fff }), fc.nat({ max: 0xffff }), fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.double({ noNaN: true }))],
];

describe('D-Bus marshalling', () => {
  test.each(SIGNATURES)('%s round-trips', (signature, values) => {
    fc.assert(
      fc.property(values, (body) => {
        expect(unmarshal(signature, marshal(signature, body))).toEqual(body);
      }),
    );
  });

  test('values are aligned to their type from the start of the body, padding zero', () => {
    // y, pad to 4, array length 16, (dict entries align to 8: none needed), "k", variant "u", pad to 4, 7.
    expect(marshal('ya{sv}', [1, [['k', { signature: 'u', value: 7 }]]]).toString('hex')).toBe(
      ['01', '000000', '10000000', '01000000', '6b00', '01', '7500', '000000', '07000000'].join(''),
    );
    // An empty array of structs still pads to the structs' 8 after its length; the length excludes that padding.
    expect(marshal('ya(ss)y', [1, [], 2]).toString('hex')).toBe(['01', '000000', '00000000', '02'].join(''));
    expect(marshal('yt', [1, 5n]).toString('hex')).toBe(['01', '00000000000000', '0500000000000000'].join(''));
  });

  test('a big-endian body reads as the little-endian one does', () => {
    const bigEndian = Buffer.concat([
      Buffer.from([0, 0, 0, 3]), // s: length 3
      Buffer.from('abc\0'),
      Buffer.from([0, 0, 0, 2, 0x12, 0x34, 0, 0]), // ay: 2 bytes, then padding to the next u
      Buffer.from([0xde, 0xad, 0xbe, 0xef]), // u
      Buffer.from([0, 0, 0, 0]), // padding to 8
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]), // x: -2
      Buffer.from([0, 0, 0, 1]), // b
      Buffer.from([1, 0x6e, 0, 0]), // v "n", then padding to 2
      Buffer.from([0xff, 0xfd]), // n: -3
    ]);
    expect(unmarshal('sayuxbv', bigEndian, false)).toEqual(['abc', Buffer.from([0x12, 0x34]), 0xdeadbeef, -2n, true, { signature: 'n', value: -3 }]);
  });

  test('a big-endian message (an error reply) is decoded', () => {
    const body = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('nope\0')]);
    const fields = Buffer.concat([
      Buffer.from([4, 1, 0x73, 0, 0, 0, 0, 9]), // ERROR_NAME, variant "s", length 9
      Buffer.from('x.y.Error\0'),
      Buffer.from([0, 0, 0, 0, 0, 0]), // to 8
      Buffer.from([5, 1, 0x75, 0, 0, 0, 0, 7]), // REPLY_SERIAL, variant "u", 7
      Buffer.from([8, 1, 0x67, 0, 1, 0x73, 0]), // SIGNATURE, variant "g", "s"
    ]);
    const header = Buffer.concat([Buffer.from([0x42, 3, 0, 1, 0, 0, 0, body.length, 0, 0, 0, 9, 0, 0, 0, fields.length]), fields, Buffer.alloc(1)]);
    const message = Buffer.concat([header, body]);
    expect(messageLength(message)).toBe(message.length);
    expect(decodeMessage(message)).toEqual({ type: MessageType.Error, flags: 0, serial: 9, errorName: 'x.y.Error', replySerial: 7, signature: 's', body: ['nope'] });
  });

  test('a message round-trips through its header', () => {
    const message = { type: MessageType.MethodCall, flags: 0, serial: 3, destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service', member: 'SearchItems', signature: 'a{ss}', body: [[['service', 'connector-setup']]] };
    const encoded = encodeMessage(message);
    expect(messageLength(encoded)).toBe(encoded.length);
    expect(decodeMessage(encoded)).toEqual(message);
  });

  test.each([
    ['an unknown byte order', (m: Buffer) => m.fill(0x51, 0, 1)],
    ['protocol version 2', (m: Buffer) => m.fill(2, 3, 4)],
    ['a body longer than its signature says', (m: Buffer) => Buffer.concat([m.subarray(0, 4), Buffer.from([m[4]! + 4, 0, 0, 0]), m.subarray(8), Buffer.alloc(4)])],
    ['a string that runs past the end', (m: Buffer) => m.subarray(0, m.length - 3)],
  ])('refuses %s', (_, damage) => {
    const message = encodeMessage({ type: MessageType.MethodReturn, serial: 2, replySerial: 1, signature: 's', body: ['hello'] });
    const damaged = damage(Buffer.from(message));
    expect(() => decodeMessage(damaged)).toThrow(MalformedMessageError);
  });

  test.each([
    ['a boolean that is 2', 'b', Buffer.from([2, 0, 0, 0])],
    ['a string without its nul', 's', Buffer.from([1, 0, 0, 0, 0x61, 0x62])],
    ['a string that is not UTF-8', 's', Buffer.from([1, 0, 0, 0, 0xff, 0])],
    ['non-zero padding', 'yu', Buffer.from([1, 9, 0, 0, 1, 0, 0, 0])],
    ['an array longer than its message', 'ay', Buffer.from([9, 0, 0, 0, 1])],
    ['a variant holding two types', 'v', Buffer.from([2, 0x79, 0x79, 0, 1, 2])],
    ['a variant of an unknown type', 'v', Buffer.from([1, 0x7a, 0])],
    ['a dict entry outside an array', 'v', Buffer.from([4, 0x7b, 0x73, 0x73, 0x7d, 0])],
    ['variants nested past the limit', 'v', Buffer.concat([...Array.from({ length: 70 }, () => Buffer.from([1, 0x76, 0])), Buffer.from([1, 0x79, 0, 1])])],
  ])('refuses %s', (_, signature, body) => {
    expect(() => unmarshal(signature, body)).toThrow(MalformedMessageError);
  });

  test('any bytes at all either decode or are refused as malformed, never anything else', () => {
    const valid = encodeMessage({ type: MessageType.Signal, serial: 5, path: '/p', interface: 'a.b', member: 'Completed', signature: 'bv', body: [false, { signature: 'ao', value: ['/x'] }] });
    const mutated = fc.tuple(fc.nat({ max: valid.length - 1 }), fc.nat({ max: 255 })).map(([at, byte]) => {
      const copy = Buffer.from(valid);
      copy[at] = byte;
      return copy;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 200 }).map((array) => Buffer.from(array)), mutated), (candidate) => {
        try {
          const length = messageLength(candidate);
          if (length !== undefined && length <= candidate.length) decodeMessage(candidate.subarray(0, length));
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedMessageError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('session bus addresses', () => {
  test('unix:path and unix:abstract, escaped, in order; other transports skipped', () => {
    expect(socketPaths('unix:path=/run/user/1000/bus')).toEqual(['/run/user/1000/bus']);
    expect(socketPaths('unix:abstract=/tmp/dbus-X,guid=ab12')).toEqual(['\0/tmp/dbus-X']);
    expect(socketPaths('tcp:host=localhost,port=1;unix:path=/tmp/with%20space%2cand%3bmore,guid=1')).toEqual(['/tmp/with space,and;more']);
    expect(socketPaths('unix:runtime=yes')).toEqual([]);
  });
});

describe('a bus that sends a malformed message', () => {
  test('fails the call waiting on it, with a reason, and closes the connection', async () => {
    const socketPath = path.join(mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'bus-')), 'bus');
    const server = net.createServer((socket) => {
      let greeted = false;
      socket.on('data', (chunk) => {
        if (!greeted && chunk.includes('AUTH EXTERNAL')) {
          greeted = true;
          socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
        } else if (chunk.includes('BEGIN')) {
          // The answer to Hello: a header whose byte order is neither l nor B.
          socket.write(Buffer.concat([Buffer.from('Q'), Buffer.alloc(15)]));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      // The first address has nothing listening: the next one in the list is used.
      await expect(DBusConnection.open(`unix:path=${socketPath}-missing;unix:path=${socketPath}`, 1000)).rejects.toThrow(/malformed message \(a message starts with an unknown byte order\)/);
    } finally {
      server.close();
    }
  });

  test('a bus that refuses EXTERNAL authentication', async () => {
    const socketPath = path.join(mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'bus-')), 'bus');
    const server = net.createServer((socket) => socket.on('data', () => socket.write('REJECTED DBUS_COOKIE_SHA1\r\n')));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await expect(DBusConnection.open(`unix:path=${socketPath}`, 1000)).rejects.toThrow('the session bus refused EXTERNAL authentication');
    } finally {
      server.close();
    }
  });
});
