// Loaded with --import into every benchmarked process (the CLI and the bare baselines alike): on exit, appends
// the process's peak resident set size (KiB) to BENCH_RSS_FILE.
import { appendFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) appendFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
