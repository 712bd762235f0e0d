/**
 * Which TensorFlow.js backend the page uses: a real GPU through WebGPU or WebGL when the page has one, WebAssembly
 * otherwise. A software rasteriser (SwiftShader, llvmpipe, …) exposes WebGL without a GPU behind it and runs the
 * U-Net slower than wasm, so it counts as no GPU. Pure logic (no DOM) so it is unit-tested in Node.
 */
export type PageBackend = 'webgpu' | 'webgl' | 'wasm';

export interface PageGpu {
  /** A WebGPU adapter was granted; `fallback` = it is a software adapter. */
  readonly webgpu?: { readonly fallback: boolean; readonly description?: string };
  /** The unmasked WebGL renderer string, '' when WebGL works but hides it; undefined = no WebGL. */
  readonly webglRenderer?: string;
  /** Backends compiled into the bundle. */
  readonly registered: readonly string[];
}

export interface BackendChoice {
  readonly backend: PageBackend;
  readonly reason: string;
}

/** Renderer strings of software rasterisers (Chromium without a GPU: SwiftShader; Mesa: llvmpipe, softpipe). */
export const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver|mesa offscreen/i;

export function chooseBackend(gpu: PageGpu): BackendChoice {
  if (gpu.webgpu && !gpu.webgpu.fallback && gpu.registered.includes('webgpu')) {
    return { backend: 'webgpu', reason: `WebGPU adapter${gpu.webgpu.description ? ` (${gpu.webgpu.description})` : ''}` };
  }
  const r = gpu.webglRenderer;
  if (r !== undefined && gpu.registered.includes('webgl')) {
    if (!SOFTWARE_RENDERER.test(r)) return { backend: 'webgl', reason: `WebGL on ${r || 'a GPU (renderer hidden)'}` };
    return { backend: 'wasm', reason: `no GPU (WebGL renders in software: ${r})` };
  }
  return { backend: 'wasm', reason: r === undefined ? 'no GPU (no WebGL)' : 'no GPU backend in this bundle' };
}
