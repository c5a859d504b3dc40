// Only create and renew of ThirdPartyApplications are documented (docs/partners.md, Invenias requests): no list,
// get or delete, and the secret is shown once. No hint may send a person to anything else.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { HINTS } from '../../src/connectors/invenias/guide.js';
import { BARE, renderHint } from '../../src/core/hint.js';

const shown = (hint: (typeof HINTS)[keyof typeof HINTS]): string => renderHint(hint, { program: BARE });

const UNDOCUMENTED = [/\(GET\)/, /\bdelete\b/i, /(Client ID|Client Secret|ClientId|application)[^.]*\b(in|under)[^.]*Swagger/i, /under ThirdPartyApplications/i];

describe('Invenias hints name only what the documented API allows', () => {
  test.each(Object.entries(HINTS))('%s', (_name, hint) => {
    for (const pattern of UNDOCUMENTED) expect(shown(hint)).not.toMatch(pattern);
  });

  test('no message in the Invenias connector does either (its string literals, not its code)', () => {
    const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../src/connectors/invenias');
    const files = readdirSync(folder).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const literals = readFileSync(path.join(folder, file), 'utf8').match(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g) ?? [];
      for (const literal of literals) {
        for (const pattern of UNDOCUMENTED) expect({ file, found: pattern.exec(literal)?.[0] }).toEqual({ file, found: undefined });
      }
    }
  });

  test('a lost or expired secret: renew by Client ID, or create another', () => {
    expect(shown(HINTS.invalidClient)).toContain('connector-setup invenias --renew --client-id <Client ID>');
    expect(shown(HINTS.invalidClient)).toContain('--new-app');
    expect(shown(HINTS.maybeCreated)).toContain('Run again to create another');
  });
});
