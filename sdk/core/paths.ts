/**
 * Where things live. The package root is found by walking up from this file to the package.json named
 * "hypnest", so the same code works from sources (tsx) and from build/.
 */
import * as fs from 'fs';
import * as path from 'path';

let root: string | undefined;

/** Absolute path of the hypnest package root. */
export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'hypnest') return (root = dir);
      } catch {
        /* keep walking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`hypnest: package root not found above ${__dirname}`);
    dir = up;
  }
}

/** A path inside the shipped assets folder. */
export function assetPath(...parts: string[]): string {
  return path.join(packageRoot(), 'assets', ...parts);
}

/** The git commit of the package root, or 'unknown' outside a git checkout. */
export function gitCommit(): string {
  try {
    const head = fs.readFileSync(path.join(packageRoot(), '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const refFile = path.join(packageRoot(), '.git', ref);
    if (fs.existsSync(refFile)) return fs.readFileSync(refFile, 'utf8').trim();
    const packed = fs.readFileSync(path.join(packageRoot(), '.git', 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(' ' + ref));
    return line ? line.split(' ')[0] : 'unknown';
  } catch {
    return 'unknown';
  }
}
