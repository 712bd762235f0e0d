/**
 * The native kernel addon (sdk/native/hypnest_dnnl.cc, oneDNN behind N-API), loaded once if it was built.
 * Built by `node scripts/build-native.mjs` (run by `npm run build`, `npm test`, `npm run tutorials`, CI).
 * When it is absent or fails to load, or HYPNEST_NATIVE=0, the SDK keeps the wasm kernels; `status()` says why.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread } from 'worker_threads';
import { packageRoot } from '../paths';

/** The addon's functions. Dimensions are passed as Int32Arrays (see the C++ file for their order). */
export interface DnnlAddon {
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, dims: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, dims: Int32Array): void;
  matmul(a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array, dims: Int32Array): void;
  /** dims [B, S, C, G]: the fused group norm of sdk/core/grad/wasm-group-norm.ts (outputs u, mean, rstd[, sig]). */
  groupNorm(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    scale: Float32Array | null,
    shift: Float32Array | null,
    u: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    dims: Int32Array,
    eps: number,
    /** When given, the activation is SiLU: u receives u·σ(u), sig receives σ(u). */
    sig: Float32Array | null,
  ): void;
  /** Its backward (outputs dx, Σx̂·g, Σg per sample and channel). */
  groupNormGrad(
    dy: Float32Array,
    x: Float32Array,
    sig: Float32Array | null,
    gamma: Float32Array,
    beta: Float32Array,
    scale: Float32Array | null,
    shift: Float32Array | null,
    mean: Float32Array,
    rstd: Float32Array,
    dx: Float32Array,
    sumXhat: Float32Array,
    sumG: Float32Array,
    dims: Int32Array,
  ): void;
  /** Sum over the segments flagged in `reduced` of a shape collapsed to `sizes` (adjacent axes of one kind merged). */
  sum(x: Float32Array, out: Float32Array, sizes: Int32Array, reduced: Int32Array): void;
  /** out = x with its (collapsed) axes permuted: out axis i is input axis perm[i]. */
  transpose(x: Float32Array, out: Float32Array, sizes: Int32Array, perm: Int32Array): void;
  /**
   * Row r of `whole` is row r of each part in turn (parts of rows × inner[i] floats): toWhole fills `whole` from the
   * parts (Concat), otherwise the parts from `whole` (SplitV).
   */
  concatSplit(parts: Float32Array[], whole: Float32Array, inner: Int32Array, toWhole: boolean): void;
  /** out = 1 / (1 + exp(-x)), elementwise (oneDNN's logistic). */
  sigmoid(x: Float32Array, out: Float32Array): void;
  setThreads(n: number): void;
  getThreads(): number;
  info(): { onednn: string; isa: string; runtime: string };
}

export interface NativeStatus {
  /** True when the addon is loaded and its kernels may be registered. */
  available: boolean;
  /** Why not, or what runs (oneDNN version, ISA, threads). */
  detail: string;
  /** Path the addon is loaded from. */
  file: string;
  threads?: number;
}

let loaded: { addon?: DnnlAddon; status: NativeStatus } | undefined;

/** Where the build step puts the addon. */
export function addonPath(): string {
  return path.join(packageRoot(), 'sdk', 'native', 'build', 'Release', 'hypnest_dnnl.node');
}

/**
 * Threads per process: HYPNEST_NATIVE_THREADS if set, else every core on the main thread and 1 in a worker
 * thread (the data-parallel trainer runs one worker per core; more would oversubscribe the cores).
 */
export function defaultThreads(): number {
  const env = Number(process.env.HYPNEST_NATIVE_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return isMainThread ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length) : 1;
}

function load(): { addon?: DnnlAddon; status: NativeStatus } {
  const file = addonPath();
  const off = process.env.HYPNEST_NATIVE?.trim();
  if (off === '0' || off === 'false' || off === 'off') {
    return { status: { available: false, file, detail: `disabled by HYPNEST_NATIVE=${off}` } };
  }
  if (!fs.existsSync(file)) {
    return {
      status: {
        available: false,
        file,
        detail: `addon not built (${path.relative(packageRoot(), file)} is absent): run \`node scripts/build-native.mjs\` (needs g++ and libdnnl-dev)`,
      },
    };
  }
  // Idle OpenMP threads should sleep, not spin, while JavaScript and wasm kernels run between native calls.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  try {
    const addon = require(file) as DnnlAddon;
    const threads = defaultThreads();
    addon.setThreads(threads);
    const i = addon.info();
    return {
      addon,
      status: {
        available: true,
        file,
        threads,
        detail: `oneDNN ${i.onednn} (${i.runtime}, ${i.isa}), ${threads} thread${threads > 1 ? 's' : ''}`,
      },
    };
  } catch (e) {
    return {
      status: {
        available: false,
        file,
        detail: `addon failed to load: ${String((e as Error)?.message ?? e)
          .split('\n')[0]
          .slice(0, 200)}`,
      },
    };
  }
}

/** The addon, or undefined when it is unavailable (see `nativeStatus()`). */
export function nativeAddon(): DnnlAddon | undefined {
  loaded ??= load();
  return loaded.addon;
}

/** Whether the native kernels can run here, and why not. */
export function nativeStatus(): NativeStatus {
  loaded ??= load();
  return loaded.status;
}

/** Sets the native kernels' thread count for this thread (a no-op without the addon). */
export function setNativeThreads(n: number): void {
  const addon = nativeAddon();
  if (!addon || !loaded) return;
  addon.setThreads(n);
  loaded.status.threads = n;
}
