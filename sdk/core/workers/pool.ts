/**
 * A pool of worker threads, each with its own tfjs backend (wasm runs one thread per instance in Node, so
 * two workers use both cores). Workers load the task module given at creation; messages carry plain data,
 * and the Float32Arrays in a payload or result are transferred, not copied (the sender's copy is detached).
 *
 *   const pool = await WorkerPool.create({ size: 2, module: require.resolve('./my-tasks') });
 *   const y = await pool.run('denoise', { x });           // one task on the least busy worker
 *   const ys = await pool.map('denoise', [{ x: a }, { x: b }]);
 *   const out = await pool.runBatched('sample', x, { steps: 50 });   // rows split over workers, joined in order
 *   await pool.close();
 *
 * A task module exports functions `(payload, ctx) => result` (directly, or as `tasks` / default).
 * TypeScript task modules work when the pool is created under tsx (the workers register tsx themselves).
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ConfigError, checkOptions, describe } from '../errors';
import { concatRows, rows, shardRanges, transferables, type Arr } from './arrays';

export interface PoolOptions {
  /** Number of worker threads (default: the number of CPU cores). */
  size?: number;
  /** Absolute path of the task module (.js, or .ts when running under tsx). */
  module: string;
  /** Environment for the workers (default: this process's). */
  env?: Record<string, string>;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  task: string;
}
interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  index: number;
}

const BOOT = `const { workerData } = require('worker_threads');
if (workerData.tsx) require(workerData.tsx);
require(workerData.entry);`;

function tsxLoader(): string {
  try {
    return require.resolve('tsx/cjs');
  } catch {
    throw new ConfigError('WorkerPool.create({ module })', {
      expected: 'tsx installed, to run TypeScript in workers',
      received: 'tsx not found',
      hint: 'Use the compiled .js task module from build/, or install tsx.',
    });
  }
}

export class WorkerPool {
  private nextId = 0;
  private closed = false;
  private constructor(
    private slots: Slot[],
    readonly module: string,
    readonly backend: string,
  ) {}

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Starts `size` workers and waits until each has its backend ready and the task module loaded. */
  static async create(options: PoolOptions): Promise<WorkerPool> {
    checkOptions('WorkerPool.create', options, ['size', 'module', 'env']);
    const size = options.size ?? os.availableParallelism?.() ?? os.cpus().length;
    if (!Number.isInteger(size) || size < 1) {
      throw new ConfigError('WorkerPool.create({ size })', { expected: 'a positive integer', received: describe(size) });
    }
    if (typeof options.module !== 'string' || !path.isAbsolute(options.module)) {
      throw new ConfigError('WorkerPool.create({ module })', {
        expected: 'an absolute path',
        received: describe(options.module),
        hint: "Pass require.resolve('./my-tasks').",
      });
    }
    const ext = path.extname(__filename);
    const entry = path.join(__dirname, `worker-main${ext}`);
    const tsx = ext === '.ts' || options.module.endsWith('.ts') ? tsxLoader() : undefined;
    const starts = Array.from({ length: size }, (_, index) => startWorker(index, entry, options, tsx));
    const settled = await Promise.allSettled(starts);
    const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) {
      await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.slot.worker.terminate() : undefined)));
      throw failed.reason;
    }
    const started = settled.map((s) => (s as PromiseFulfilledResult<{ slot: Slot; backend: string }>).value);
    const pool = new WorkerPool(
      started.map((s) => s.slot),
      options.module,
      started[0].backend,
    );
    for (const slot of pool.slots) pool.listen(slot);
    return pool;
  }

  private listen(slot: Slot): void {
    slot.worker.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
      const p = m.id === undefined ? undefined : slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id!);
      if (m.error !== undefined) p.reject(new Error(`worker ${slot.index}, task '${p.task}': ${m.error}`));
      else p.resolve(m.result);
    });
    const failAll = (e: Error) => {
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
    };
    slot.worker.on('error', (e) => failAll(new Error(`worker ${slot.index} crashed: ${e.message}`)));
    slot.worker.on('exit', (code) => {
      if (!this.closed) failAll(new Error(`worker ${slot.index} exited (code ${code})`));
    });
  }

  /**
   * Runs `task` on one worker (the least busy, or `worker`). The typed arrays in `payload` are transferred
   * (`transfer: true`, default), copied (`false`), or only those listed are transferred.
   */
  run<T = unknown>(task: string, payload?: unknown, options: { worker?: number; transfer?: boolean | ArrayBuffer[] } = {}): Promise<T> {
    if (this.closed)
      return Promise.reject(new ConfigError(`WorkerPool.run('${task}')`, { expected: 'an open pool', received: 'a closed pool' }));
    const slot =
      options.worker !== undefined ? this.slots[options.worker] : this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (!slot)
      throw new ConfigError('WorkerPool.run({ worker })', { expected: `0 … ${this.size - 1}`, received: describe(options.worker) });
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const transfer = Array.isArray(options.transfer) ? options.transfer : options.transfer === false ? [] : transferables(payload);
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, task });
      try {
        slot.worker.postMessage({ id, task, payload }, transfer);
      } catch (e) {
        slot.pending.delete(id);
        reject(e as Error);
      }
    });
  }

  /** Runs `task` once per payload, spread over the workers; results in payload order. */
  map<T = unknown>(task: string, payloads: unknown[]): Promise<T[]> {
    return Promise.all(payloads.map((p, i) => this.run<T>(task, p, { worker: i % this.size })));
  }

  /** Runs `task` on every worker with the same payload (copied, not transferred). */
  broadcast<T = unknown>(task: string, payload?: unknown): Promise<T[]> {
    return Promise.all(this.slots.map((s) => this.run<T>(task, payload, { worker: s.index, transfer: false })));
  }

  /**
   * Splits the rows (axis 0) of `x` into one contiguous shard per worker, runs `task` with
   * `{ x: shard, start, end, ...extra }` on each, and joins the returned `Arr`s in row order.
   */
  async runBatched(task: string, x: Arr, extra: Record<string, unknown> = {}): Promise<Arr> {
    const ranges = shardRanges(x.shape[0], this.size);
    const parts = await Promise.all(
      ranges.map(([s, e], i) => {
        const shard = rows(x, s, e); // own buffer: transferred; `extra` is copied to every worker
        return this.run<Arr>(task, { ...extra, x: shard, start: s, end: e }, { worker: i, transfer: [shard.data.buffer as ArrayBuffer] });
      }),
    );
    return concatRows(parts);
  }

  /** Stops every worker; pending tasks are rejected. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.slots) for (const p of s.pending.values()) p.reject(new Error('WorkerPool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** @internal slots for data-parallel helpers. */
  get workerIndices(): number[] {
    return this.slots.map((s) => s.index);
  }
}

function startWorker(index: number, entry: string, options: PoolOptions, tsx?: string): Promise<{ slot: Slot; backend: string }> {
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { index, entry, tsx, module: options.module },
    env: options.env ?? process.env,
  });
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ready?: boolean; backend?: string; fatal?: string }) => {
      if (m.ready) {
        cleanup();
        resolve({ slot: { worker, pending: new Map(), index }, backend: m.backend! });
      }
      if (m.fatal) {
        cleanup();
        void worker.terminate();
        reject(new ConfigError(`WorkerPool worker ${index}`, { expected: 'a worker that starts', received: m.fatal.split('\n')[0] }));
      }
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new ConfigError(`WorkerPool worker ${index}`, { expected: 'a worker that starts', received: e.message }));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}
