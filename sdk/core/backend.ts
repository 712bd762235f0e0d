/**
 * Backend selection. The SDK runs on whichever TensorFlow.js backend works best here:
 * HYPNEST_BACKEND if set, else tfjs-node-gpu (when CUDA is present), tfjs-node, WebAssembly, pure JS.
 * Each backend that was skipped is recorded with the reason, so `hypnest doctor` can explain the choice.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BackendError, nearest } from './errors';
import { nativeStatus, type NativeStatus } from './native/addon';
import { registerNativeKernels } from './native/kernels';
import { registerWasmKernels } from './grad/wasm-kernels';

export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendReport {
  /** The backend in use (tfjs name: 'tensorflow', 'wasm' or 'cpu'). */
  chosen: BackendName;
  /** Why each earlier candidate was not used. */
  skipped: { backend: BackendName; reason: string }[];
  /** Where the choice came from. */
  source: 'HYPNEST_BACKEND' | 'auto';
  /**
   * On wasm: whether the native (oneDNN) kernels replace the wasm ones for convolutions and matrix products,
   * and why not (sdk/core/native/). The chain is tfjs-node-gpu → tfjs-node → wasm + native kernels → wasm → cpu.
   */
  native?: NativeStatus;
}

let report: BackendReport | undefined;
let pending: Promise<BackendReport> | undefined;

function cudaPresent(): string | undefined {
  if (fs.existsSync('/proc/driver/nvidia/version')) return undefined;
  return 'no NVIDIA driver (/proc/driver/nvidia/version is absent)';
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .split('\n')[0]
    .slice(0, 160);
}

async function tryNative(pkg: string): Promise<string | undefined> {
  try {
    require(pkg);
  } catch (e) {
    const msg = firstLine(e);
    return msg.includes('Cannot find module') && msg.includes(pkg)
      ? `${pkg} is not installed (optional dependency; its install downloads libtensorflow)`
      : `${pkg} failed to load: ${msg}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but the 'tensorflow' backend did not start`;
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  try {
    require('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(e)}`;
  }
  try {
    if (!(await tf.setBackend('wasm'))) return "the 'wasm' backend did not start";
  } catch (e) {
    return `the 'wasm' backend failed: ${firstLine(e)}`;
  }
  // The faster wasm kernels (over the wasm package's own, now registered), then the native (oneDNN) ones over
  // them, for every caller: inference included, not only code that imports the gradients.
  registerWasmKernels();
  registerNativeKernels();
  return undefined;
}

async function attempt(name: BackendName): Promise<string | undefined> {
  switch (name) {
    case 'tensorflow-gpu': {
      const noCuda = cudaPresent();
      return noCuda ?? tryNative('@tensorflow/tfjs-node-gpu');
    }
    case 'tensorflow':
      return tryNative('@tensorflow/tfjs-node');
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return (await tf.setBackend('cpu')) ? undefined : "the 'cpu' backend did not start";
  }
}

async function choose(): Promise<BackendReport> {
  const r = await chooseBackend();
  return r.chosen === 'wasm' ? { ...r, native: nativeStatus() } : r;
}

async function chooseBackend(): Promise<BackendReport> {
  const forced = process.env.HYPNEST_BACKEND?.trim();
  if (forced) {
    if (!(BACKENDS as readonly string[]).includes(forced)) {
      const near = nearest(forced, BACKENDS);
      throw new BackendError('HYPNEST_BACKEND', {
        expected: `one of ${BACKENDS.join(', ')}`,
        received: JSON.stringify(forced),
        hint: near ? `Did you mean '${near}'?` : 'Unset it to choose automatically.',
      });
    }
    const why = await attempt(forced as BackendName);
    if (why) {
      throw new BackendError('HYPNEST_BACKEND', {
        expected: `a working '${forced}' backend`,
        received: why,
        hint: 'Unset HYPNEST_BACKEND to fall back automatically, or run `hypnest doctor`.',
      });
    }
    return { chosen: forced as BackendName, skipped: [], source: 'HYPNEST_BACKEND' };
  }
  const skipped: BackendReport['skipped'] = [];
  for (const name of BACKENDS) {
    const why = await attempt(name);
    if (!why) return { chosen: name, skipped, source: 'auto' };
    skipped.push({ backend: name, reason: why });
  }
  throw new BackendError('backend selection', {
    expected: 'at least one working TensorFlow.js backend',
    received: skipped.map((s) => `${s.backend}: ${s.reason}`).join('; '),
    hint: 'Reinstall with `npm ci`.',
  });
}

/** Picks the backend once (idempotent); every SDK entry point awaits this. */
export function ready(): Promise<BackendReport> {
  if (report) return Promise.resolve(report);
  pending ??= choose().then((r) => (report = r));
  return pending;
}

/** The report of the backend choice, or undefined before `ready()` resolved. */
export function backendReport(): BackendReport | undefined {
  return report;
}

/**
 * Switches to a named tfjs backend (for tests and benchmarks comparing backends).
 * Returns the previous backend's name.
 */
export async function useBackend(name: 'wasm' | 'cpu' | 'tensorflow'): Promise<string> {
  await ready();
  const prev = tf.getBackend();
  if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) {
    throw new BackendError('useBackend', { expected: `a registered '${name}' backend`, received: 'setBackend returned false' });
  }
  if (name === 'wasm') {
    registerWasmKernels();
    registerNativeKernels();
  }
  return prev;
}

export { tf };
