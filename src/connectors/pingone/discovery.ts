// Where an environment lives, asked of PingOne's public OpenID discovery documents (no credentials): after a
// refusal at the token URL, this tells a wrong secret from a wrong region or Environment ID, because PingOne
// answers an unknown environment with the same 401 invalid_client as a wrong secret (docs/partners.md
// P-TOKEN-401-UNKNOWN-ENV, P-DISC-200).
import { InterruptedError, UnreachableError } from '../../core/errors.js';
import { isRecord, parseJson } from '../../core/json.js';
import type { Http } from '../../core/net/http.js';
import { REGIONS } from './fields.js';

/** A look-up is a quick side question: it never waits longer than this, nor longer than the run's timeout. */
const LOOKUP_TIMEOUT_MS = 5000;

/** `here`: the domain serves this environment; `absent`: it answered, and not with it; `unknown`: it could not be asked. */
export type Presence = { kind: 'here' } | { kind: 'absent'; why: string } | { kind: 'unknown'; why: string };

function discoveryUrl(domain: string, environmentId: string): string {
  return `https://${domain}/${environmentId}/as/.well-known/openid-configuration`;
}

/** One discovery answer read without trusting it: only a 200 document naming this environment's issuer counts. */
export function readDiscovery(status: number, text: string, environmentId: string): Presence {
  if (status !== 200) return { kind: 'absent', why: `it answered ${status}` };
  const document = parseJson(text);
  const issuer = isRecord(document) ? document.issuer : undefined;
  if (typeof issuer !== 'string') return { kind: 'absent', why: 'its answer is not a discovery document' };
  // P-DISC-200: the issuer is https://{domain}/{envId}/as.
  if (!issuer.toLowerCase().endsWith(`/${environmentId.toLowerCase()}/as`)) return { kind: 'absent', why: 'its discovery document belongs to another issuer' };
  return { kind: 'here' };
}

export async function lookUp(http: Http, domain: string, environmentId: string): Promise<Presence> {
  try {
    const response = await http.send({
      method: 'GET',
      url: discoveryUrl(domain, environmentId),
      headers: { accept: 'application/json' },
      retry: 'rate-limit-only',
      timeoutMs: Math.min(LOOKUP_TIMEOUT_MS, http.timeoutMs),
    });
    return readDiscovery(response.status, response.text, environmentId);
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    // A look-up that fails leaves the question open; it is never the diagnosis itself.
    if (error instanceof UnreachableError) return { kind: 'unknown', why: error.message };
    throw error;
  }
}

type Region = (typeof REGIONS)[number];

export function regionOf(domain: string): Region | undefined {
  return REGIONS.find((region) => region.authDomain === domain);
}

/** Asks every other region at once; the first that serves the environment wins (an environment lives in one region). */
export async function findOtherRegion(http: Http, home: string, environmentId: string): Promise<Region | undefined> {
  const lookups = REGIONS.filter((region) => region.authDomain !== home).map(async (region) => {
    if ((await lookUp(http, region.authDomain, environmentId)).kind !== 'here') throw new Error('not here');
    return region;
  });
  try {
    return await Promise.any(lookups);
  } catch (error) {
    const interrupted = (error as AggregateError).errors?.find((cause: unknown) => cause instanceof InterruptedError);
    if (interrupted) throw interrupted;
    return undefined;
  }
}
