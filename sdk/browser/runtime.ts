/// <reference lib="dom" />
/**
 * The page's TensorFlow.js runtime: probes the GPU, picks the backend (backend-choice.ts) and starts it. The wasm
 * binaries are inside the bundle and handed to tfjs as blob: URLs, so nothing is fetched from any network (also in
 * an exported notebook opened from disk).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm';
import { BackendError } from '../core/errors';
import { registerWasmKernels } from '../core/grad/wasm-kernels';
import { BackendChoice, PageGpu, chooseBackend } from './backend-choice';

export interface RuntimeInfo extends BackendChoice {
  readonly started: string;
}

const blobUrl = (bytes: Uint8Array): string => URL.createObjectURL(new Blob([bytes], { type: 'application/wasm' }));

function webglRenderer(): string | undefined {
  try {
    const canvas = document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return undefined;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER) ?? '');
  } catch {
    return undefined;
  }
}

/** What the page offers (the URL query ?backend=wasm or ?backend=webgl overrides the choice, for comparisons). */
export function probeGpu(): PageGpu {
  return { webglRenderer: webglRenderer(), registered: Object.keys(tf.engine().registryFactory) };
}

let started: Promise<RuntimeInfo> | undefined;

/** Starts the backend once per page. */
export function startRuntime(): Promise<RuntimeInfo> {
  started ??= (async () => {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': blobUrl(plain),
      'tfjs-backend-wasm-simd.wasm': blobUrl(simd),
      'tfjs-backend-wasm-threaded-simd.wasm': blobUrl(threaded),
    });
    const forced = new URLSearchParams(globalThis.location?.search ?? '').get('backend');
    const choice: BackendChoice =
      forced === 'wasm' || forced === 'webgl' ? { backend: forced, reason: `forced by ?backend=${forced}` } : chooseBackend(probeGpu());
    const info: RuntimeInfo = (await tf.setBackend(choice.backend))
      ? { ...choice, started: choice.backend }
      : { backend: 'wasm', reason: `${choice.backend} failed to start`, started: 'wasm' };
    if (info.backend === 'wasm' && choice.backend !== 'wasm' && !(await tf.setBackend('wasm'))) {
      throw new BackendError('hypnest explorer', { expected: `a working ${choice.backend} or wasm backend`, received: 'neither started' });
    }
    await tf.ready();
    // The SDK's fused wasm kernels (group norm, …), as in Node, so the page computes what Node computes.
    if (info.backend === 'wasm') registerWasmKernels();
    return info;
  })();
  return started;
}

export { tf };
