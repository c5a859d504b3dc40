// A clipboard tool stand-in: a fake `xclip` that records what it was given, to put first on a run's PATH.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A directory holding only a fake `xclip` that writes its stdin and arguments to files. */
export function fakeXclip(): { dir: string; received: () => string | undefined; args: () => string[]; env: () => Record<string, string> } {
  const dir = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'bin-'));
  const record = path.join(dir, 'received');
  // .cjs: the scratch directory lies under this package, whose "type": "module" would make a plain .js an ES module.
  const script = [
    "const fs = require('node:fs');",
    `fs.writeFileSync(${JSON.stringify(`${record}.args`)}, JSON.stringify(process.argv.slice(2)));`,
    `fs.writeFileSync(${JSON.stringify(`${record}.env`)}, JSON.stringify(process.env));`,
    `fs.writeFileSync(${JSON.stringify(record)}, fs.readFileSync(0));`,
  ].join('\n');
  writeFileSync(path.join(dir, 'xclip.cjs'), script);
  writeFileSync(path.join(dir, 'xclip'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(dir, 'xclip.cjs'))} "$@"\n`);
  chmodSync(path.join(dir, 'xclip'), 0o755);
  return {
    dir,
    received: () => (existsSync(record) ? readFileSync(record, 'utf8') : undefined),
    args: () => JSON.parse(readFileSync(`${record}.args`, 'utf8')) as string[],
    env: () => JSON.parse(readFileSync(`${record}.env`, 'utf8')) as Record<string, string>,
  };
}
