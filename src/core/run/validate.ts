// Parsers for everything a user types or pastes. Each returns the normalised value or throws an
// InputError naming the field, before anything is sent.
import { InputError } from '../errors.js';
import { hasControlCharacter } from '../printable.js';
import { MIN_SECRET_LENGTH } from '../redact.js';

export const MAX_VALUE_LENGTH = 2048;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function invalid(label: string, problem: string, hint = ''): InputError {
  return new InputError('invalid_input', `${label} ${problem}`, hint);
}

/** A host-like value a hint shows when the field has no example of its own. */
const ANY_HOST = 'example.com';

/** An empty value says where it came from (the field's message is suffixed with the source); the fix is the same. */
function emptyValue(label: string): InputError {
  return invalid(label, 'is empty.', `Give the ${label} a value: paste it again, or check the variable or input it was read from.`);
}

/** Refuses values no field may hold: control characters (CR, LF, NUL, ...) and absurd lengths. */
export function checkPlainText(value: string, label: string): string {
  if (value.length > MAX_VALUE_LENGTH) {
    throw invalid(label, `is ${value.length} characters long; at most ${MAX_VALUE_LENGTH} are accepted.`);
  }
  if (hasControlCharacter(value)) {
    throw invalid(label, 'contains a control character (such as a line break or NUL).', 'Paste the value again on its own.');
  }
  return value;
}

export function parseRequiredText(raw: string, label: string): string {
  const value = checkPlainText(raw.trim(), label);
  if (value === '') throw emptyValue(label);
  return value;
}

export function parseUuid(raw: string, label: string): string {
  const value = parseRequiredText(raw, label);
  if (!UUID.test(value)) {
    throw invalid(label, 'must be a UUID such as 01234567-89ab-cdef-0123-456789abcdef.');
  }
  return value.toLowerCase();
}

export interface SecretValue {
  value: string;
  /** True when surrounding whitespace was removed, so the caller can say so. */
  trimmed: boolean;
}

/** Secrets keep their inner characters; surrounding whitespace is a paste accident and is removed. */
export function parseSecret(raw: string, label: string): SecretValue {
  const value = raw.trim();
  if (value.length > MAX_VALUE_LENGTH) {
    throw invalid(label, `is ${value.length} characters long; at most ${MAX_VALUE_LENGTH} are accepted.`);
  }
  // The message must not echo the secret, so it only says what kind of character was found.
  if (hasControlCharacter(value)) {
    throw invalid(label, 'contains a control character (such as a line break or NUL).', 'Copy the secret again.');
  }
  if (/\s/.test(value)) throw invalid(label, 'contains whitespace.', 'Copy the secret again; secrets have no spaces.');
  if (value === '') throw emptyValue(label);
  // Hiding every run of 1-3 characters would blank out ordinary text, so a value that short could not be kept secret.
  if (value.length < MIN_SECRET_LENGTH) {
    throw invalid(label, `is ${value.length} character${value.length === 1 ? '' : 's'} long; a secret has at least ${MIN_SECRET_LENGTH}.`, 'Copy the whole secret again.');
  }
  return { value, trimmed: value !== raw };
}

function isValidHostname(host: string): boolean {
  if (isIPv4(host)) return true;
  if (host.length > 253) return false;
  const labels = host.split('.');
  // A numeric last label makes URL parsers read the name as an IPv4 address (`0x7f.1` is 127.0.0.1).
  const last = labels[labels.length - 1] ?? '';
  if (/^(\d+|0x[0-9a-f]*)$/i.test(last)) return false;
  return labels.every((label) => DNS_LABEL.test(label));
}

/** Only plain ASCII reaches a host name: look-alike letters (Cyrillic а, the Kelvin sign K) are refused. */
const NON_ASCII = /[^\x20-\x7e]/;

function isIPv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((part) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(part));
}

/**
 * A host with an optional port, e.g. `auth.pingone.eu` or `127.0.0.1:8443`. A pasted `https://` and a
 * trailing slash are removed; credentials, paths, queries and other schemes are refused. `example` is the field's
 * own, shown in a hint.
 */
export function parseHostPort(raw: string, label: string, example = ANY_HOST): string {
  let value = parseRequiredText(raw, label);
  if (/^https:\/\//i.test(value)) value = value.slice('https://'.length);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw invalid(label, 'must use https:// (or no scheme at all).');
  }
  value = value.replace(/\/+$/, '');
  if (value.startsWith('//')) throw invalid(label, 'must be a host name, not a scheme-relative URL.');
  if (value.includes('@')) throw invalid(label, 'must not contain credentials (user:password@).');
  if (/[/?#\\]/.test(value)) {
    // Only a plausible host is repeated back: the rest of what was typed may be anything.
    const typedHost = /^[a-z0-9.-]{1,253}(:\d{1,5})?(?=[/?#\\])/i.exec(value)?.[0];
    throw invalid(
      label,
      'must be a host name only, without a path or query.',
      typedHost ? `Leave out everything after the host: ${typedHost}.` : `For example ${example}.`,
    );
  }
  if (/\s/.test(value)) throw invalid(label, 'must not contain spaces.');
  if (NON_ASCII.test(value)) {
    throw invalid(label, 'contains a character that is not plain ASCII (a look-alike letter?).', 'Type the domain again; an internationalised domain must be given in its xn-- form.');
  }
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(value.toLowerCase());
  const host = match?.[1];
  const port = match?.[2];
  if (!host || !isValidHostname(host)) {
    throw invalid(label, 'is not a valid host name.', `Use letters, digits, hyphens and dots, e.g. ${example}.`);
  }
  if (port !== undefined) {
    const portNumber = Number(port);
    if (portNumber < 1 || portNumber > 65535) throw invalid(label, 'has a port outside 1-65535.');
    return sameAfterUrlParsing(portNumber === 443 ? host : `${host}:${portNumber}`, label, example);
  }
  return sameAfterUrlParsing(host, label, example);
}

/** The host we checked must be the host a request goes to: the URL parser may not reinterpret it. */
function sameAfterUrlParsing(hostPort: string, label: string, example: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(`https://${hostPort}/`);
  } catch {
    parsed = undefined;
  }
  if (parsed?.host !== hostPort || parsed.username !== '' || parsed.password !== '' || parsed.pathname !== '/') {
    throw invalid(label, 'is not a valid host name.', `Use letters, digits, hyphens and dots, e.g. ${example}.`);
  }
  return hostPort;
}

/** A single DNS label, as the first part of `company.invenias.com`. */
export function parseDnsLabel(raw: string, label: string): string {
  const typed = parseRequiredText(raw, label);
  // Checked before lowercasing: 'K' (the Kelvin sign) lowercases to an ASCII 'k'.
  const value = NON_ASCII.test(typed) ? '' : typed.toLowerCase();
  if (!DNS_LABEL.test(value)) {
    throw invalid(label, 'must be a single DNS label: letters a-z, digits and inner hyphens, at most 63 characters.');
  }
  return value;
}

/** `https://...` origin override: scheme and host[:port] only. `example` is the field's own, shown in a hint. */
export function parseOrigin(raw: string, label: string, example = ANY_HOST): string {
  const value = parseRequiredText(raw, label).replace(/\/+$/, '');
  if (!/^https:\/\//i.test(value)) throw invalid(label, 'must start with https://.', `For example ${example}.`);
  const typedOrigin = /^https:\/\/[a-z0-9.-]{1,253}(:\d{1,5})?(?=[/?#\\])/i.exec(value)?.[0];
  if (typedOrigin) {
    throw invalid(label, 'must be https:// and a host only, without a path or query.', `Leave out everything after the host: ${typedOrigin}.`);
  }
  return `https://${parseHostPort(value, label, example)}`;
}

export function parseChoice<T extends string>(raw: string, label: string, choices: readonly T[]): T {
  const value = parseRequiredText(raw, label);
  const found = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (!found) throw invalid(label, `must be one of ${choices.join(', ')}.`);
  return found;
}
