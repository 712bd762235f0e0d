#!/usr/bin/env node
/** `npm run explorer`: writes the standalone explorer site to out/explorer/ (needs `npm run build` first). */
import * as path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { writeExplorerSite } = createRequire(import.meta.url)(path.join(root, 'build', 'sdk', 'explore', 'site.js'));
const dir = path.join(root, 'out', 'explorer');
const files = writeExplorerSite(dir);
console.log(`wrote ${files.length} files to ${path.relative(process.cwd(), dir) || '.'}/ (open index.html through any static server)`);
