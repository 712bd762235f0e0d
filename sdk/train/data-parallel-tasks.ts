/**
 * The WorkerPool task module of data-parallel training (loaded by each worker; see data-parallel.ts).
 *   trainSetup { module, name, init }   loads the user's loss module once per worker
 *   trainGrads { batch, step, lr, seed, shard, microBatches }
 *       → { loss, grads } of the loss on this worker's shard, for the replica's parameters (set beforehand
 *         with setReplicaParams), averaged over `microBatches` equal parts like accumulateGrads.
 * The loss runs as `loss(params, batch, ctx)` with ctx = { step, lr, rng: new Rng(seed), init, shard }.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, ConfigError } from '../core';
import type { TaskContext } from '../core/workers';
import type { Params } from '../nn';
import { fromWire, type Wire } from './batch-wire';
import { splitBatch } from './accumulate';
import type { WorkerLossFn, WorkerStepContext } from './data-parallel';

interface Setup {
  module: string;
  name: string;
  init?: unknown;
}
interface Loaded {
  loss: WorkerLossFn<unknown>;
  init: unknown;
}

export function trainSetup(setup: Setup, ctx: TaskContext): string {
  const mod = require(setup.module) as Record<string, unknown>;
  const loss = mod[setup.name];
  if (typeof loss !== 'function') {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new ConfigError(`train(workerLoss.name)`, {
      expected: `a function exported by ${setup.module}`,
      received: `'${setup.name}'`,
      hint: `It exports: ${names.join(', ') || 'no functions'}.`,
    });
  }
  ctx.state.set('trainLoss', { loss: loss as WorkerLossFn<unknown>, init: setup.init } satisfies Loaded);
  return setup.name;
}

export function trainGrads(
  p: { batch: Wire; step: number; lr: number; seed: number; shard: number; microBatches: number },
  ctx: TaskContext,
) {
  const loaded = ctx.state.get('trainLoss') as Loaded | undefined;
  if (!loaded) throw new ConfigError('trainGrads', { expected: 'trainSetup to have run on this worker', received: 'no loss loaded' });
  const params = Object.fromEntries(ctx.params) as Params;
  const names = Object.keys(params);
  const vars = names.map((k) => params[k]);
  const stepCtx: WorkerStepContext = { step: p.step, lr: p.lr, rng: new Rng(p.seed), init: loaded.init, shard: p.shard };
  const batch = fromWire(p.batch);
  const parts = p.microBatches > 1 ? splitBatch(batch, p.microBatches) : [batch];
  if (p.microBatches > 1) tf.dispose(batch as tf.TensorContainer);
  const sums = names.map((k) => new Float32Array(params[k].size));
  const present = names.map(() => false);
  let loss = 0;
  for (const part of parts) {
    const { value, grads } = tf.variableGrads(() => {
      const l = loaded.loss(params, part, stepCtx);
      return tf.reshape(l, []) as tf.Scalar;
    }, vars);
    loss += value.dataSync()[0] / parts.length;
    vars.forEach((v, i) => {
      const g = grads[v.name];
      if (!g) return;
      present[i] = true;
      const d = g.dataSync();
      const s = sums[i];
      for (let j = 0; j < d.length; j++) s[j] += d[j];
    });
    tf.dispose([value, ...Object.values(grads), part as tf.TensorContainer]);
  }
  if (parts.length > 1) for (const s of sums) for (let j = 0; j < s.length; j++) s[j] /= parts.length;
  // Like localGradFn: only the parameters the loss depends on get a gradient.
  return { loss, grads: Object.fromEntries(names.flatMap((k, i) => (present[i] ? [[k, sums[i]]] : []))) };
}
