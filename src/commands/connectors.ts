// `connector-setup connectors`: what each connector needs and where each value may come from.
import type { CommandOutcome } from '../core/outcome.js';
import type { Io } from '../core/run/io.js';

export async function connectorsCommand(io: Io): Promise<CommandOutcome> {
  const described = io.registry.map((connector) => ({
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
  const lines: string[] = [];
  for (const connector of described) {
    lines.push(`${connector.name}  ${connector.title}: ${connector.summary}`);
    for (const field of connector.fields) {
      const where = [field.flag, field.env].filter(Boolean).join(', ');
      lines.push(`  ${field.label.padEnd(16)} ${where.padEnd(48)} ${field.description}${field.default ? ` (default ${field.default})` : ''}${field.secret ? ' (secret)' : ''}`);
    }
    for (const extra of connector.flags) lines.push(`  ${''.padEnd(16)} ${extra.flag.padEnd(48)} ${extra.description}`);
    lines.push('');
  }
  return { kind: 'data', json: { connectors: described }, lines };
}
