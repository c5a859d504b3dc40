// `profiles list` and `profiles show`, when profiles-line.ts reads the line alone: the process main.ts runs, which
// scripts/build.mjs bundles into dist/profiles.js without the command table and the other commands.
import './main.js';
