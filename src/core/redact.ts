// One redaction layer for everything the process prints: it knows every secret value of the run
// (flags, stdin, environment, profile, and what servers hand back) and replaces each occurrence.

const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret; its raw, JSON-escaped and URL-encoded forms are all hidden from output. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(secret);
    this.secrets.add(JSON.stringify(secret).slice(1, -1));
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    // Longest first, so a secret that contains another is hidden whole.
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    let result = text;
    for (const secret of ordered) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }
}

/** `****` plus the last four characters, as the Cyclr console and `profiles show` display a secret. */
export function maskSecret(secret: string): string {
  if (secret.length < 12) return '****';
  return `****${secret.slice(-4)}`;
}
