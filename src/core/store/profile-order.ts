// The order profiles are listed in: the default locale's collation, as localeCompare has it. Building a collator
// costs some 10 ms at start-up, a good part of `profiles list`, so where the locale is known to collate ASCII as the
// root collation does, names of letters, digits, '.', '_' and '-' (every profile name, every connector) are compared
// here instead; tests/unit/profile-order.test.ts holds the two equal under each such locale. Elsewhere the collator
// decides: Danish, Czech, Lithuanian, Welsh and others reorder plain ASCII.

/** Each character's place at the first level of the root collation: '_' '-' '.' then digits, then letters, case aside. */
const PRIMARY = new Uint8Array(128);
[...'_-.0123456789abcdefghijklmnopqrstuvwxyz'].forEach((char, index) => {
  PRIMARY[char.charCodeAt(0)] = index + 1;
  PRIMARY[char.toUpperCase().charCodeAt(0)] = index + 1;
});

/** Text this module can order: only the characters above. */
const ORDERED_HERE = /^[A-Za-z0-9._-]*$/;
/** Of those, text the root collation orders as plain strings are ordered, code unit by code unit: no capital, no '_'. */
const ORDERED_AS_CODE_UNITS = /^[a-z0-9.-]*$/;

/**
 * What the ICU in Node reads the default locale from on Linux (LC_ALL, then LC_MESSAGES, then LANG; C and POSIX
 * become en-US), when each is one of these or unset: English and the root collate ASCII alike.
 */
const ROOT_ORDER_LOCALE = /^(|C|POSIX|C\.(UTF-8|utf8)|en_(US|GB)(\.(UTF-8|utf8))?)$/;
const LOCALE_VARIABLES = ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const;

/** True when this process's default collation orders ASCII as the root collation does (tested for each locale above). */
export function rootOrderHolds(env: NodeJS.ProcessEnv = process.env): boolean {
  // Elsewhere the default locale comes from the system's settings, not the environment.
  if (process.platform !== 'linux') return false;
  if (/icu/i.test(`${env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`)) return false;
  return LOCALE_VARIABLES.every((name) => env[name] === undefined || ROOT_ORDER_LOCALE.test(env[name]));
}

/** The root collation's order of two strings of ORDERED_HERE characters: -1, 0 or 1, as Intl.Collator's compare. */
export function compareRootOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (PRIMARY[a.charCodeAt(index)] as number) - (PRIMARY[b.charCodeAt(index)] as number);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  // The same letters: at the first place their case differs, lower case comes first.
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return x > y ? -1 : 1;
  }
  return 0;
}

/** Plain strings' order, code unit by code unit: the root collation's for ORDERED_AS_CODE_UNITS text. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The compare function that orders `texts` as `new Intl.Collator().compare` does: where the locale allows it and
 * every text is one this module can order, compareCodeUnits (lower-case names, the usual) or compareRootOrder; else a
 * collator.
 */
export function collationOf(texts: Iterable<string>, env: NodeJS.ProcessEnv = process.env): (a: string, b: string) => number {
  if (rootOrderHolds(env)) {
    let ordered = true;
    let asCodeUnits = true;
    for (const text of texts) {
      if (asCodeUnits && ORDERED_AS_CODE_UNITS.test(text)) continue;
      asCodeUnits = false;
      if (!ORDERED_HERE.test(text)) {
        ordered = false;
        break;
      }
    }
    if (asCodeUnits) return compareCodeUnits;
    if (ordered) return compareRootOrder;
  }
  return new Intl.Collator().compare;
}
