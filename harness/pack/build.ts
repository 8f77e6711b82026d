// The published package's build (`npm run build`, run by `npm pack` through prepack): dist/ gets the compiled
// JavaScript and declarations of nodes/, harness/ and scenarios/, the report page's assets, and the node program
// and proxy thread already bundled, so that an installed chaoslab runs with no loader and builds nothing.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleNames, buildBundle } from '../bundles.ts';

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(import.meta.dirname, 'tsconfig.json')], { stdio: 'inherit' });
cpSync(join(root, 'harness', 'report', 'page'), join(dist, 'harness', 'report', 'page'), { recursive: true });
mkdirSync(join(dist, 'bundles'));
for (const name of bundleNames) writeFileSync(join(dist, 'bundles', `${name}.mjs`), await buildBundle(name));
