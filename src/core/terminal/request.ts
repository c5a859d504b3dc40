// A request a run is about to send, or would send, shown the one way every connector shows it.
import type { RunOutput } from './run-output.js';

export interface ShownRequest {
  url: string;
  /** Header lines as they are to be shown (a secret in one already masked). */
  headers?: readonly string[];
  body?: unknown;
}

/**
 * Its heading, then its address alone on its line, unindented: one too long for the terminal is broken only by the
 * terminal's own wrap, which a copy of the line joins back, so it reads and copies whole. Then its headers and its
 * JSON body, a member to a line, indented.
 */
export function sayRequest(out: Pick<RunOutput, 'say' | 'paint'>, heading: string, request: ShownRequest): void {
  out.say(out.paint.bold(heading));
  out.say(request.url);
  for (const header of request.headers ?? []) out.say(`  ${header}`);
  if (request.body === undefined) return;
  for (const line of JSON.stringify(request.body, null, 2).split('\n')) out.say(`  ${line}`);
}
