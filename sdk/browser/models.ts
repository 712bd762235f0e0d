/**
 * The page's models, built once per page from portable weights (weights.ts). Each model loads only when a widget
 * asks for it, so a page that embeds only stage I (the DDIM scrubber) never asks for stage II's weights.
 */
import { stage1FromPortable, stage2FromPortable } from '../models/hypdae/portable';
import type { Stage1 } from '../models/hypdae/stage1';
import type { Stage2 } from '../models/hypdae/stage2';
import type { RadiusModels } from './radius-compute';
import { weightBytes } from './weights';
import { nestedFromPortable } from '../models/nested/portable';
import type { NestedModel } from '../models/nested/model';

export const HYPDAE_KEYS = ['hypdae-stage1', 'hypdae-stage2-hyperbolic', 'hypdae-stage2-euclidean'] as const;

export const NESTED_KEY = 'nested-L5';

let stage1: Promise<Stage1> | undefined;
const stage2s = new Map<string, Promise<Stage2>>();

/** HypDAE stage I (encoder and conditional decoder). */
export function hypdaeStage1(): Promise<Stage1> {
  stage1 ??= weightBytes(HYPDAE_KEYS[0]).then((b) => stage1FromPortable(b, `weights(${HYPDAE_KEYS[0]})`).stage1);
  return stage1;
}

function stage2(key: (typeof HYPDAE_KEYS)[1 | 2]): Promise<Stage2> {
  let p = stage2s.get(key);
  if (!p) {
    p = Promise.all([hypdaeStage1(), weightBytes(key)]).then(([s1, b]) => stage2FromPortable(b, s1.config, `weights(${key})`).stage2);
    stage2s.set(key, p);
  }
  return p;
}

/** Stage I and the hyperbolic stage II (the geodesic walk). */
export async function hypdaeBall(): Promise<{ stage1: Stage1; ball: Stage2 }> {
  const [s1, ball] = await Promise.all([hypdaeStage1(), stage2(HYPDAE_KEYS[1])]);
  return { stage1: s1, ball };
}

/** Stage I, the hyperbolic stage II and its Euclidean twin (the radius explorer). */
export async function hypdaeModels(): Promise<RadiusModels> {
  const [{ stage1: s1, ball }, twin] = await Promise.all([hypdaeBall(), stage2(HYPDAE_KEYS[2])]);
  return { stage1: s1, ball, twin };
}

let nested: Promise<NestedModel> | undefined;

/** The nested L5 model (levels: code, deep, mid, shallow latents, then pixels). */
export function nestedL5(): Promise<NestedModel> {
  nested ??= weightBytes(NESTED_KEY).then((b) => nestedFromPortable(b, `weights(${NESTED_KEY})`).model);
  return nested;
}
