// profiles list orders profiles as the default locale's collator does. Under the locales where a collator orders
// plain ASCII as the root collation does, names are compared without building one; under every other locale the
// collator decides. Each locale is a process of its own, since Node reads it from the environment at start-up.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';

const ORDER_MODULE = fileURLToPath(new URL('../../src/core/store/profile-order.js', import.meta.url));

/**
 * In a process with `locale` set: names of letters, digits, '.', '_' and '-' (random ones, the same ones in other
 * cases, as prefixes of each other), and profiles of a connector and a name, ordered by the collator and by the store,
 * and random pairs ordered by each.
 */
const CHILD = `
import { collationOf, compareRootOrder, rootOrderHolds } from ${JSON.stringify(ORDER_MODULE)};
let seed = 20261207;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
const pick = (text) => text[Math.floor(random() * text.length)];
const names = ['pingone', 'invenias', 'default', 'Default', 'DEFAULT', 'a', 'A', 'aa', 'aA', 'Aa', 'AA', 'a-b', 'a_b', 'a.b', 'ab', 'a0', 'a-', 'a_', 'a.', '0', '9', '_', '-', '.', 'ch', 'cz', 'h', 'i', 'y', 'j', 'ss', 'th', 'll', 'dd', 'ng', ''];
for (let index = 0; index < 1000; index += 1) {
  let name = '';
  const length = 1 + Math.floor(random() * 12);
  for (let at = 0; at < length; at += 1) name += pick(index % 3 === 0 ? 'aAbBcChHyYzZ0._-' : CHARS);
  names.push(name, name.toUpperCase(), name.toLowerCase(), name.slice(0, -1), name + pick(CHARS));
}
// Lower-case names, as most are: the same order again, found as plain strings are ordered (and with '_', which plain
// strings put after the digits, where the collator puts it first).
const lowerNames = (characters) => Array.from({ length: 2000 }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(characters)).join(''));
const sameAsCollator = (texts) => JSON.stringify([...texts].sort(collationOf(texts))) === JSON.stringify([...texts].sort(collator.compare));
const collator = new Intl.Collator();
const byCollator = JSON.stringify([...names].sort(collator.compare));
const compare = collationOf(names);
// Profiles: a connector (some alike but for case or a character) and a name, ordered by connector, then name.
const connectors = ['pingone', 'invenias', 'PingOne', 'ping-one', 'ping_one', 'pingone2', 'Invenias'];
const profiles = Array.from({ length: 3000 }, () => [pick(connectors), names[Math.floor(random() * names.length)]]);
const byProfile = (order) => (a, b) => order(a[0], b[0]) || order(a[1], b[1]);
const byConnectorThenName = JSON.stringify([...profiles].sort(byProfile(collator.compare)));
const sign = (value) => Math.sign(value);
let pairsAgree = true;
for (let index = 0; index < 20000; index += 1) {
  const a = names[Math.floor(random() * names.length)];
  const b = random() < 0.2 ? a.toUpperCase() : names[Math.floor(random() * names.length)];
  if (sign(compare(a, b)) !== sign(collator.compare(a, b))) pairsAgree = false;
}
console.log(JSON.stringify({
  locale: collator.resolvedOptions().locale,
  rootOrderHolds: rootOrderHolds(),
  sameOrder: JSON.stringify([...names].sort(compare)) === byCollator && sameAsCollator(lowerNames('abcxyz0189.-')) && sameAsCollator(lowerNames('abcxyz0189._-')),
  sameProfileOrder: JSON.stringify([...profiles].sort(byProfile(collationOf(profiles.flat())))) === byConnectorThenName,
  pairsAgree,
  rootOrderIsTheCollators:
    JSON.stringify([...names].sort(compareRootOrder)) === byCollator && JSON.stringify([...profiles].sort(byProfile(compareRootOrder))) === byConnectorThenName,
}));
`;

interface Ordered {
  locale: string;
  rootOrderHolds: boolean;
  sameOrder: boolean;
  sameProfileOrder: boolean;
  pairsAgree: boolean;
  rootOrderIsTheCollators: boolean;
}

function orderUnder(variables: Record<string, string>): Promise<Ordered> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...variables };
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) if (!(name in variables)) delete env[name];
  // It opens no connection: a CA file would only slow each start.
  delete env.NODE_EXTRA_CA_CERTS;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', CHILD], { env, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as Ordered)));
    child.stdin?.on('error', () => undefined);
  });
}

describe('the order profiles are listed in', () => {
  const rootLike: Record<string, string>[] = [
    {},
    { LANG: 'C' },
    { LANG: 'C.UTF-8' },
    { LANG: 'en_US.UTF-8' },
    { LANG: 'en_GB.UTF-8' },
    { LC_ALL: 'C' },
    { LC_ALL: 'C.UTF-8' },
    { LC_ALL: 'en_US.UTF-8' },
    { LC_ALL: 'en_GB.UTF-8' },
    { LC_ALL: 'POSIX' },
    { LC_ALL: '' },
    { LANG: 'en_US' },
    { LANG: 'en_GB.utf8' },
    { LANG: 'C.utf8', LC_MESSAGES: 'en_US.utf8' },
  ];

  test('is the collator\'s under C, POSIX, C.UTF-8, en_US, en_GB and no locale, without building one', async () => {
    const results = await Promise.all(rootLike.map(orderUnder));
    results.forEach((result, index) => {
      expect({ variables: rootLike[index], ...result }).toEqual({ variables: rootLike[index], locale: result.locale, rootOrderHolds: true, sameOrder: true, sameProfileOrder: true, pairsAgree: true, rootOrderIsTheCollators: true });
    });
  });

  // Each of these orders some plain ASCII names differently (Danish aa, Czech ch, Lithuanian y, Estonian z, Welsh dd).
  const reordering: Record<string, string>[] = [
    { LANG: 'da_DK.UTF-8' },
    { LC_ALL: 'cs_CZ.UTF-8' },
    { LANG: 'en_US.UTF-8', LC_ALL: 'lt_LT.UTF-8' },
    { LC_MESSAGES: 'et_EE.UTF-8' },
    { LANG: 'cy_GB.UTF-8' },
  ];

  test('is the collator\'s under a locale that orders ASCII its own way', async () => {
    const results = await Promise.all(reordering.map(orderUnder));
    results.forEach((result, index) => {
      expect({ variables: reordering[index], ...result }).toEqual({ variables: reordering[index], locale: result.locale, rootOrderHolds: false, sameOrder: true, sameProfileOrder: true, pairsAgree: true, rootOrderIsTheCollators: false });
    });
  });
});
