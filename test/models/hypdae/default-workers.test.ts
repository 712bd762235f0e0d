// Stage I's default worker count (docs/native.md "Threads vs workers"): the main thread when the native
// kernels run, 2 workers on the wasm kernels, the main thread with --tiny.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../../sdk/core';
import '../../../sdk/core/grad';
import { nativeStatus } from '../../../sdk/core/native/addon';
import { registerNativeKernels, unregisterNativeKernels } from '../../../sdk/core/native/kernels';
import { defaultStage1Workers } from '../../../sdk/models/hypdae/train-main';

test.before(async () => {
  await ready();
});

test('wasm kernels only: 2 workers; --tiny: the main thread', () => {
  unregisterNativeKernels();
  try {
    assert.is(defaultStage1Workers(), 2);
    assert.is(defaultStage1Workers(true), 0);
  } finally {
    registerNativeKernels();
  }
});

(nativeStatus().available ? test : test.skip)('native kernels: the main thread', () => {
  registerNativeKernels();
  assert.is(defaultStage1Workers(), 0);
});

test.run();
