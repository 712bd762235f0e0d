/**
 * One file per trained nested model (core's checkpoint format: safetensors + json, atomic):
 *   config { model: 'nested', nested: NestedConfig, explained: number[] }
 *   tensors  enc.*                      the feature encoder
 *            latent.<l>.{mean,std,basis} each latent level's standardisation and SVD basis
 *            level.<l>.<name>           level l's network (EMA weights)
 * Loading rebuilds the networks from the stored config and checks every tensor's name and shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint, loadCheckpoint } from '../../core/checkpoint';
import { CheckpointError, HypnestError, ShapeError, describe } from '../../core/errors';
import { Params, assignParams, variableLike } from '../../nn/params';
import type { Network } from '../../nn/network';
import { NestedConfig, nestedConfig } from './config';
import type { LatentSpace } from './latents';
import { NestedModel, createLevelNet, nestedSchedule } from './model';

export interface NestedStored {
  model: 'nested';
  nested: NestedConfig;
  explained: number[];
}

export async function saveNested(path: string, m: NestedModel, meta: object = {}): Promise<string> {
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(m.encoder)) tensors[k] = v;
  m.spaces.forEach((s, i) => {
    tensors[`latent.${i + 1}.mean`] = s.mean;
    tensors[`latent.${i + 1}.std`] = s.std;
    tensors[`latent.${i + 1}.basis`] = s.basis;
  });
  m.nets.forEach((n, i) => {
    for (const [k, v] of Object.entries(n.params)) tensors[`level.${i + 1}.${k}`] = v;
  });
  const config: NestedStored = { model: 'nested', nested: m.config, explained: m.spaces.map((s) => s.explained) };
  const { hash } = await saveCheckpoint(path, { config, tensors, meta });
  return hash;
}

function take(tensors: Record<string, tf.Tensor>, prefix: string): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** Loads a nested model written by `saveNested` (hint names the command that makes it). */
export async function loadNested(
  path: string,
  hint = 'Train it with `npx hypnest train nested --levels L`.',
): Promise<{ model: NestedModel; meta: object }> {
  const c = await loadCheckpoint(path, { hint });
  const st = c.config as Partial<NestedStored>;
  if (st?.model !== 'nested' || !st.nested) {
    tf.dispose(Object.values(c.tensors));
    throw new CheckpointError(`loadNested(${path})`, {
      expected: "a 'nested' checkpoint",
      received: `model ${describe(st?.model)}`,
      hint: 'Pass a file written by `hypnest train nested`.',
    });
  }
  const nets: Network<unknown>[] = [];
  try {
    // Checkpoints written before `pixelSigma2Choices` existed trained the pixel level on the latent levels' σ² choices.
    let config: NestedConfig;
    try {
      config = nestedConfig({ ...st.nested, pixelSigma2Choices: st.nested.pixelSigma2Choices ?? st.nested.sigma2Choices });
    } catch (e) {
      throw e instanceof HypnestError && !(e instanceof CheckpointError)
        ? new CheckpointError(`loadNested(${path})`, {
            expected: 'a stored config that builds the model',
            received: e.message,
            hint: 'The json was edited or written by another version; retrain or restore it.',
          })
        : e;
    }
    for (let l = 1; l <= config.levels; l++) {
      const net = createLevelNet(config, l);
      const got = take(c.tensors, `level.${l}.`);
      const extra = Object.keys(got).filter((k) => !(k in net.params));
      if (extra.length) tf.dispose(Object.values(net.params));
      if (extra.length)
        throw new CheckpointError(`loadNested(${path})`, {
          expected: `level ${l}'s tensors for its config`,
          received: `unexpected: ${extra.slice(0, 5).join(', ')}`,
          hint: 'The checkpoint does not match its config; retrain it.',
        });
      try {
        assignParams(net.params, got, `loadNested(${path}) level ${l}`);
      } catch (e) {
        tf.dispose(Object.values(net.params));
        throw e instanceof ShapeError
          ? new CheckpointError(`loadNested(${path})`, {
              expected: e.expected ?? 'tensors matching the stored config',
              received: e.received ?? String(e),
              hint: 'The checkpoint does not match its config; retrain it with `hypnest train nested`.',
            })
          : e;
      }
      nets.push(net);
    }
    const enc = take(c.tensors, 'enc.');
    const encoder: Params = {};
    for (const [k, v] of Object.entries(enc)) encoder[`enc.${k}`] = variableLike(v);
    const spaces: LatentSpace[] = [];
    for (let l = 1; l < config.levels; l++) {
      const g = take(c.tensors, `latent.${l}.`);
      if (!g.mean || !g.std || !g.basis || g.basis.shape[1] !== config.dims[l - 1]) {
        throw new CheckpointError(`loadNested(${path})`, {
          expected: `latent ${l}: mean, std and a basis with ${config.dims[l - 1]} columns`,
          received: describe(g.basis),
          hint: 'The checkpoint does not match its config; retrain it.',
        });
      }
      spaces.push({
        mean: tf.clone(g.mean) as tf.Tensor1D,
        std: tf.clone(g.std) as tf.Tensor1D,
        basis: tf.clone(g.basis) as tf.Tensor2D,
        explained: st.explained?.[l - 1] ?? NaN,
      });
    }
    return { model: { config, schedule: nestedSchedule(config), nets, encoder, spaces }, meta: c.meta };
  } catch (e) {
    for (const n of nets) tf.dispose(Object.values(n.params));
    throw e;
  } finally {
    tf.dispose(Object.values(c.tensors));
  }
}

export function disposeNested(m: NestedModel): void {
  for (const n of m.nets) tf.dispose(Object.values(n.params));
  tf.dispose(Object.values(m.encoder));
  for (const s of m.spaces) tf.dispose([s.mean, s.std, s.basis]);
}
