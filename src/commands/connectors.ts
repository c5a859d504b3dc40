// `connector-setup connectors`: what each connector needs and where each value may come from.
import { connectors } from '../connectors/index.js';
import type { ExitCode } from '../core/errors.js';
import { Output } from '../core/output.js';
import { Redactor } from '../core/redact.js';

export async function runConnectors(options: { json?: boolean }): Promise<ExitCode> {
  const out = new Output({ json: Boolean(options.json), redactor: new Redactor() });
  const described = connectors.map((connector) => ({
    name: connector.name,
    title: connector.title,
    summary: connector.summary,
    cyclrLocation: connector.cyclrLocation,
    fields: connector.fields.map((field) => ({
      key: field.key,
      label: field.label,
      secret: Boolean(field.secret),
      flag: field.flag ?? field.stdinFlag ?? null,
      env: field.env ?? null,
      default: field.defaultValue ?? null,
      description: field.description,
    })),
    flags: connector.extraFlags.map((extra) => ({ flag: extra.flags, description: extra.description })),
  }));
  if (out.json) {
    out.printJson({ connectors: described });
  } else {
    await out.loadColors();
    for (const connector of described) {
      out.data(`${connector.name}  ${connector.title}: ${connector.summary}`);
      for (const field of connector.fields) {
        const where = [field.flag, field.env].filter(Boolean).join(', ');
        out.data(`  ${field.label.padEnd(16)} ${where.padEnd(48)} ${field.description}${field.default ? ` (default ${field.default})` : ''}${field.secret ? ' (secret)' : ''}`);
      }
      for (const extra of connector.flags) out.data(`  ${''.padEnd(16)} ${extra.flag.padEnd(48)} ${extra.description}`);
      out.data('');
    }
  }
  await out.flush();
  return 0;
}
