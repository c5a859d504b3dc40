// What a pingone command line asks for beyond its values, read once from its flags (definition.ts checked that they
// go together): the steps are built for it and never read the flags.
import type { ConnectorOptions } from '../../core/run/connector.js';
import { keepPreviousHours } from './fields.js';

export interface PingOneRequest {
  /** --create: the Worker application is made through the Management API. */
  readonly create: boolean;
  /** --dry-run (with --create): the plan and its requests are shown, nothing is changed. */
  readonly dryRun: boolean;
  /** --rotate: the saved application gets a new secret. */
  readonly rotate: boolean;
  /** --finish (with --rotate): the previous secret is dropped now. */
  readonly finish: boolean;
  /** --keep-previous HOURS (with --rotate): how long the previous secret keeps working. */
  readonly keepPreviousHours: number;
  /** --save-admin (with --create or --rotate): the admin worker is kept in a profile of its own (--admin-profile). */
  readonly saveAdmin: boolean;
}

export function readPingOneRequest(options: ConnectorOptions): PingOneRequest {
  return {
    create: options.create === true,
    dryRun: options.dryRun === true,
    rotate: options.rotate === true,
    finish: options.finish === true,
    keepPreviousHours: keepPreviousHours(options),
    saveAdmin: options.saveAdmin === true,
  };
}
