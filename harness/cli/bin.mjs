#!/usr/bin/env node
// The one entry point for people. tsx lets the TypeScript sources run as they are, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main(process.argv);
