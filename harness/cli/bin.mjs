#!/usr/bin/env node
// The one entry point for people. In a checkout the TypeScript sources run as they are (tsx, no build step); the
// published package has no sources here and runs its compiled JavaScript (dist/), which needs no loader.
import { existsSync } from 'node:fs';

const sources = new URL('./main.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import('../../dist/harness/cli/main.js'));
}
await main(process.argv);
