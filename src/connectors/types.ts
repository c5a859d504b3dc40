import type { FieldSpec } from '../core/fields.js';
import type { RunContext, SetupSummary } from '../core/run.js';

/** What the registry knows of a connector without loading its code. */
export interface ConnectorDefinition {
  name: string;
  title: string;
  summary: string;
  fields: readonly FieldSpec[];
  /** Where the values go in Cyclr. */
  cyclrLocation: string;
  /** For partners whose applications expire: how to renew one (the hint of `app_expired` and `expiring_soon`). */
  renewHint?: string;
  /** Flags beyond the fields' own, e.g. `--authorization-url`. */
  extraFlags: readonly ExtraFlag[];
  /** Turns connector-specific flags into field options before values are resolved. */
  prepareOptions?(options: Record<string, unknown>): void;
  load(): Promise<ConnectorModule>;
}

export interface ConnectorModule {
  /** The wizard: guide, collect, create where the partner allows it, verify; the caller saves and renders. */
  setup(context: RunContext): Promise<SetupSummary>;
  /** The same checks with no prompts and no writes. */
  verify(context: RunContext): Promise<SetupSummary>;
}

export interface ExtraFlag {
  /** commander syntax, e.g. `--authorization-url <url>`. */
  flags: string;
  description: string;
}
