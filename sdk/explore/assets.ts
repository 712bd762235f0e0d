/**
 * What the explorer's pages are made of, read on the Node side: the browser bundle (build/browser, written by
 * `npm run build`), the float16 portable weights (assets/browser, scripts/export-browser-weights.ts) and the
 * few-shot inputs (the first images of each unseen class, as bytes).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../core/errors';
import { assetPath, packageRoot } from '../core/paths';
import { CLASS_NAMES, UNSEEN_CLASSES } from '../data/classes';
import { fewShotInputs } from '../data/splits';

export const BUNDLE_FILE = 'hypnest-explorer.js';

let bundle: string | undefined;

/** The browser runtime (one script, tfjs and its wasm binaries inside). */
export function explorerBundle(): string {
  if (bundle) return bundle;
  const file = path.join(packageRoot(), 'build', 'browser', BUNDLE_FILE);
  if (!fs.existsSync(file)) {
    throw new ConfigError('explorer bundle', {
      expected: `the browser bundle ${path.relative(packageRoot(), file)}`,
      received: 'no such file',
      hint: 'Build it: npm run build.',
    });
  }
  return (bundle = fs.readFileSync(file, 'utf8'));
}

/** The portable (float16) weights of `key`, e.g. 'hypdae-stage1'. */
export function portableWeights(key: string): Uint8Array {
  const file = assetPath('browser', `${key}.safetensors`);
  if (!fs.existsSync(file)) {
    throw new ConfigError(`explorer weights(${key})`, {
      expected: `assets/browser/${key}.safetensors`,
      received: 'no such file',
      hint: 'Export them: npx tsx scripts/export-browser-weights.ts.',
    });
  }
  return new Uint8Array(fs.readFileSync(file));
}

export interface InputImage {
  readonly label: string;
  readonly pixels: string;
}

/** The first `perClass` few-shot inputs of each unseen class, 32 × 32 bytes in base64. */
export function fewShotPictures(perClass = 2): InputImage[] {
  const out: InputImage[] = [];
  for (const cls of UNSEEN_CLASSES) {
    const ds = fewShotInputs(cls, 1, { size: 32, fallback: 'embedded' });
    for (let i = 0; i < perClass; i++) {
      const px = ds.images.subarray(i * 1024, (i + 1) * 1024);
      const bytes = Uint8Array.from(px, (v) => Math.round((v + 1) * 127.5));
      out.push({
        label: `${CLASS_NAMES[cls]} (unseen class ${cls}, few-shot input ${i + 1})`,
        pixels: Buffer.from(bytes).toString('base64'),
      });
    }
  }
  return out;
}
