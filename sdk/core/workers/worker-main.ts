/**
 * Inside a pool worker: picks the SDK backend (await ready()), loads the task module and answers
 * { id, task, payload } messages with { id, result } (typed arrays transferred) or { id, error }.
 * Built-in tasks (names starting with '__') keep a per-worker parameter replica for data parallelism.
 */
import { parentPort, workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../backend';
import '../grad';
import { transferables, type Arr } from './arrays';
import type { TaskContext, TaskFn, LossFn } from './types';

interface Request {
  id: number;
  task: string;
  payload: unknown;
}

const params = new Map<string, tf.Variable>();
const ctx: TaskContext = { workerIndex: (workerData as { index: number }).index, params, state: new Map() };

function loadTasks(modulePath: string): Record<string, TaskFn> {
  const mod = require(modulePath) as Record<string, unknown>;
  const tasks = (mod.tasks ?? mod.default ?? mod) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(tasks).filter(([, f]) => typeof f === 'function')) as Record<string, TaskFn>;
}

/** '__setParams': { name: Arr } → replaces the replica's values (creating variables on first use). */
function setParams(payload: Record<string, Arr>): number {
  for (const [name, a] of Object.entries(payload)) {
    const value = tf.tensor(a.data, a.shape);
    const v = params.get(name);
    if (v && v.shape.join() === a.shape.join()) v.assign(value);
    else {
      v?.dispose();
      params.set(name, tf.variable(value, true, `replica/${ctx.workerIndex}/${name}`));
    }
    value.dispose();
  }
  return params.size;
}

/** '__grads': loss and ∂loss/∂θ on this worker's shard, for the replica's parameters. */
async function grads(tasks: Record<string, TaskFn>, payload: { loss: string; batch: unknown }) {
  const lossFn = tasks[payload.loss] as unknown as LossFn;
  if (!lossFn) throw new Error(`unknown loss task '${payload.loss}'`);
  const names = [...params.keys()];
  const vars = names.map((n) => params.get(n)!);
  const { value, grads: g } = tf.variableGrads(() => lossFn(Object.fromEntries(params), payload.batch, ctx), vars);
  const loss = (await value.data())[0];
  const out: Record<string, Float32Array> = {};
  for (const v of vars) {
    const name = names[vars.indexOf(v)];
    out[name] = g[v.name] ? ((await g[v.name].data()) as Float32Array) : new Float32Array(v.size);
  }
  tf.dispose([value, ...Object.values(g)]);
  return { loss, grads: out };
}

async function main(): Promise<void> {
  await ready();
  const tasks = loadTasks((workerData as { module: string }).module);
  const port = parentPort!;
  port.on('message', async ({ id, task, payload }: Request) => {
    try {
      let result: unknown;
      if (task === '__setParams') result = setParams(payload as Record<string, Arr>);
      else if (task === '__grads') result = await grads(tasks, payload as { loss: string; batch: unknown });
      else if (task === '__backend') result = tf.getBackend();
      else if (tasks[task]) result = await tasks[task](payload, ctx);
      else throw new Error(`unknown task '${task}' (the module exports: ${Object.keys(tasks).join(', ') || 'none'})`);
      port.postMessage({ id, result }, transferables(result));
    } catch (e) {
      port.postMessage({ id, error: String((e as Error)?.stack ?? e) });
    }
  });
  port.postMessage({ ready: true, backend: tf.getBackend() });
}

main().catch((e) => parentPort?.postMessage({ fatal: String((e as Error)?.stack ?? e) }));
