/**
 * A nested model from its stored config and tensors, with no I/O: shared by `loadNested` (checkpoint files, Node)
 * and `nestedFromPortable` (float16 bytes, the browser). Rebuilds the networks from the config and checks every
 * tensor's name and shape. The caller keeps ownership of `tensors` (they are copied, never kept).
 */
import * as tf from '@tensorflow/tfjs-core';
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

export function takePrefixed(tensors: Record<string, tf.Tensor>, prefix: string): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

function storedConfig(where: string, st: Partial<NestedStored>): NestedConfig {
  if (st?.model !== 'nested' || !st.nested) {
    throw new CheckpointError(where, {
      expected: "a 'nested' checkpoint",
      received: `model ${describe(st?.model)}`,
      hint: 'Pass a file written by `hypnest train nested`.',
    });
  }
  // Checkpoints written before `pixelSigma2Choices` existed trained the pixel level on the latent levels' σ² choices;
  // those written before `classLevels` existed gave the class to level 1 only.
  try {
    return nestedConfig({
      ...st.nested,
      pixelSigma2Choices: st.nested.pixelSigma2Choices ?? st.nested.sigma2Choices,
      classLevels: st.nested.classLevels ?? 'first',
    });
  } catch (e) {
    throw e instanceof HypnestError && !(e instanceof CheckpointError)
      ? new CheckpointError(where, {
          expected: 'a stored config that builds the model',
          received: e.message,
          hint: 'The json was edited or written by another version; retrain or restore it.',
        })
      : e;
  }
}

function levelNet(where: string, config: NestedConfig, l: number, tensors: Record<string, tf.Tensor>): Network<unknown> {
  const net = createLevelNet(config, l);
  const got = takePrefixed(tensors, `level.${l}.`);
  const extra = Object.keys(got).filter((k) => !(k in net.params));
  try {
    if (extra.length)
      throw new CheckpointError(where, {
        expected: `level ${l}'s tensors for its config`,
        received: `unexpected: ${extra.slice(0, 5).join(', ')}`,
        hint: 'The checkpoint does not match its config; retrain it.',
      });
    assignParams(net.params, got, `${where} level ${l}`);
    return net;
  } catch (e) {
    tf.dispose(Object.values(net.params));
    throw e instanceof ShapeError
      ? new CheckpointError(where, {
          expected: e.expected ?? 'tensors matching the stored config',
          received: e.received ?? String(e),
          hint: 'The checkpoint does not match its config; retrain it with `hypnest train nested`.',
        })
      : e;
  }
}

/** The model of a stored config and its tensors (enc.*, latent.<l>.*, level.<l>.*). */
export function nestedFromTensors(where: string, st: Partial<NestedStored>, tensors: Record<string, tf.Tensor>): NestedModel {
  const config = storedConfig(where, st);
  const nets: Network<unknown>[] = [];
  try {
    for (let l = 1; l <= config.levels; l++) nets.push(levelNet(where, config, l, tensors));
    const encoder: Params = {};
    for (const [k, v] of Object.entries(takePrefixed(tensors, 'enc.'))) encoder[`enc.${k}`] = variableLike(v);
    const spaces: LatentSpace[] = [];
    for (let l = 1; l < config.levels; l++) {
      const g = takePrefixed(tensors, `latent.${l}.`);
      if (!g.mean || !g.std || !g.basis || g.basis.shape[1] !== config.dims[l - 1]) {
        throw new CheckpointError(where, {
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
    return { config, schedule: nestedSchedule(config), nets, encoder, spaces };
  } catch (e) {
    for (const n of nets) tf.dispose(Object.values(n.params));
    throw e;
  }
}
