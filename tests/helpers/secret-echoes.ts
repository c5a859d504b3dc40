// Every way a hostile or careless server was seen to echo a secret back, and the ones it plausibly could: the
// shapes the redaction tests send through real servers and through the redactor itself.

/** Whole encodings of `secret` (and of `id:secret`, as HTTP Basic sends it). */
export function echoes(secret: string, clientId = 'FAKE-client-id'): Record<string, string> {
  const form = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  const base64 = (value: string): string => Buffer.from(value, 'utf8').toString('base64');
  const everyCharacter = (escape: (code: number) => string): string => [...secret].map((char) => escape(char.codePointAt(0) ?? 0)).join('');
  return {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    'JSON \\u escapes': everyCharacter((code) => `\\u${code.toString(16).padStart(4, '0')}`),
    'percent, upper case': encodeURIComponent(secret),
    'percent, lower case': encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    'percent, every character': everyCharacter((code) => `%${code.toString(16).padStart(2, '0')}`),
    'form (+ for space)': form(secret),
    'twice percent-encoded': encodeURIComponent(encodeURIComponent(secret)),
    base64: base64(secret),
    base64url: base64(secret).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    'base64 of id:secret': base64(`${clientId}:${secret}`),
    'base64 of id:secret, form-encoded (HTTP Basic)': base64(`${form(clientId)}:${form(secret)}`),
    'HTML entities, decimal': everyCharacter((code) => `&#${code};`),
    'HTML entities, hex': everyCharacter((code) => `&#x${code.toString(16).toUpperCase()};`),
    'HTML entities, hex lower case, no semicolons': everyCharacter((code) => `&#x${code.toString(16)}`),
    'zero-width spaces between characters': [...secret].join('\u200b'),
    'colour codes inside': `${secret.slice(0, 3)}\u001b[8m${secret.slice(3)}`,
  };
}

/** Parts a server may cut a secret to: prefixes and suffixes of 8 and 12, and a run from the middle. */
export function fragments(secret: string): Record<string, string> {
  return {
    'a prefix of 12': secret.slice(0, 12),
    'a prefix of 8': secret.slice(0, 8),
    'a suffix of 12': secret.slice(-12),
    'a suffix of 8': secret.slice(-8),
    'a run from the middle': secret.slice(3, 12),
    'a prefix of 12, percent-encoded in lower case': encodeURIComponent(secret.slice(0, 12)).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
  };
}

/** Every run of 8 characters of each secret: none may appear anywhere but the secret store. */
export function expectNoFragments(text: string, secrets: readonly string[], where: string): void {
  const fragments = new Set<string>();
  for (const secret of secrets) {
    for (let index = 0; index + 8 <= secret.length; index += 1) fragments.add(secret.slice(index, index + 8));
  }
  if (fragments.size === 0) return;
  // One pass over the text, each run of 8 looked up: a report over hundreds of secrets is read once, not per fragment.
  for (let index = 0; index + 8 <= text.length; index += 1) {
    const run = text.slice(index, index + 8);
    if (fragments.has(run)) throw new Error(`${where} holds "${run}", 8 characters of a secret:\n${text}`);
  }
}
