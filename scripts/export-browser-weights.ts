/**
 * Exports the shipped checkpoints the browser explorer runs as float16 portable safetensors (config inside), into
 * assets/browser/. Deterministic: the same float32 checkpoint gives the same bytes (keys sorted, round to nearest
 * even, no timestamps). Run: npx tsx scripts/export-browser-weights.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { readCheckpointArrays } from '../sdk/core/checkpoint/load';
import { encodePortable } from '../sdk/core/checkpoint/portable';

const ROOT = path.join(__dirname, '..');

/** Portable file name → the float32 checkpoint it is rounded from. */
export const BROWSER_WEIGHTS: Record<string, string> = {
  'hypdae-stage1': 'assets/hypdae/stage1',
  'hypdae-stage2-hyperbolic': 'assets/hypdae/stage2-hyperbolic-pseudo',
  'hypdae-stage2-euclidean': 'assets/hypdae/stage2-euclidean-pseudo',
  'nested-L1': 'assets/nested/L1/nested',
  'nested-L5': 'assets/nested/L5/nested',
};

function main(): void {
  const outDir = path.join(ROOT, 'assets/browser');
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, src] of Object.entries(BROWSER_WEIGHTS)) {
    const a = readCheckpointArrays(path.join(ROOT, src));
    const bytes = encodePortable({ config: a.config, meta: a.meta, source: a.hash, tensors: a.tensors });
    const file = path.join(outDir, `${name}.safetensors`);
    fs.writeFileSync(file, bytes);
    console.log(
      `${path.relative(ROOT, file)}: ${(bytes.length / 1e6).toFixed(2)} MB (from ${src}.safetensors, sha256 ${a.hash.slice(0, 12)}…)`,
    );
  }
}

main();
