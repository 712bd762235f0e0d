/** The page's models, built once per page from portable weights (weights.ts). */
import { stage1FromPortable, stage2FromPortable } from '../models/hypdae/portable';
import type { RadiusModels } from './radius-compute';
import { weightBytes } from './weights';
import { nestedFromPortable } from '../models/nested/portable';
import type { NestedModel } from '../models/nested/model';

export const HYPDAE_KEYS = ['hypdae-stage1', 'hypdae-stage2-hyperbolic', 'hypdae-stage2-euclidean'] as const;

export const NESTED_KEY = 'nested-L5';

let hypdae: Promise<RadiusModels> | undefined;

/** Stage I, the hyperbolic stage II and its Euclidean twin. */
export function hypdaeModels(): Promise<RadiusModels> {
  hypdae ??= (async () => {
    const [s1, b, t] = await Promise.all(HYPDAE_KEYS.map((k) => weightBytes(k)));
    const { stage1 } = stage1FromPortable(s1, `weights(${HYPDAE_KEYS[0]})`);
    const ball = stage2FromPortable(b, stage1.config, `weights(${HYPDAE_KEYS[1]})`).stage2;
    const twin = stage2FromPortable(t, stage1.config, `weights(${HYPDAE_KEYS[2]})`).stage2;
    return { stage1, ball, twin };
  })();
  return hypdae;
}

let nested: Promise<NestedModel> | undefined;

/** The nested L5 model (levels: code, deep, mid, shallow latents, then pixels). */
export function nestedL5(): Promise<NestedModel> {
  nested ??= weightBytes(NESTED_KEY).then((b) => nestedFromPortable(b, `weights(${NESTED_KEY})`).model);
  return nested;
}
