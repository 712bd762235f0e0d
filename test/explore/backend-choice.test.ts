/** The page's backend choice: a real GPU → WebGPU/WebGL, a software renderer or none → wasm. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseBackend } from '../../sdk/browser/backend-choice';

const ALL = ['webgpu', 'webgl', 'wasm'];

test('a hardware WebGPU adapter is used when the bundle has the backend', () => {
  assert.is(
    chooseBackend({ webgpu: { fallback: false, description: 'NVIDIA' }, webglRenderer: 'NVIDIA GeForce', registered: ALL }).backend,
    'webgpu',
  );
});

test('a fallback (software) WebGPU adapter is not; a hardware WebGL renderer is', () => {
  const c = chooseBackend({
    webgpu: { fallback: true },
    webglRenderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11)',
    registered: ALL,
  });
  assert.is(c.backend, 'webgl');
  assert.match(c.reason, /RTX 3060/);
});

test('WebGL on a GPU is chosen when WebGPU is absent from the bundle', () => {
  assert.is(chooseBackend({ webgpu: { fallback: false }, webglRenderer: 'Apple M1', registered: ['webgl', 'wasm'] }).backend, 'webgl');
  assert.is(chooseBackend({ webglRenderer: '', registered: ['webgl', 'wasm'] }).backend, 'webgl');
});

test('software renderers (headless Chromium SwiftShader, Mesa llvmpipe) mean wasm', () => {
  for (const r of [
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'llvmpipe (LLVM 15.0.6, 256 bits)',
    'Google SwiftShader',
    'softpipe',
  ]) {
    const c = chooseBackend({ webglRenderer: r, registered: ALL });
    assert.is(c.backend, 'wasm', r);
    assert.match(c.reason, /software/);
  }
});

test('no WebGL at all, or no GPU backend in the bundle, means wasm', () => {
  assert.is(chooseBackend({ registered: ALL }).backend, 'wasm');
  assert.is(chooseBackend({ webglRenderer: 'NVIDIA GeForce', registered: ['wasm'] }).backend, 'wasm');
});

test.run();
