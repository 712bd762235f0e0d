/**
 * The native (oneDNN) kernels against the wasm kernels they replace, on the shapes and attributes the
 * networks use: forward outputs and gradients to 1e-4 relative, gradients against finite differences, and a
 * HypDAE stage-I step and a nested pixel-level step giving the same loss on both paths.
 * Without the addon (not built, or HYPNEST_NATIVE=0) the comparisons are skipped, visibly (uvu counts them as
 * skipped), and one test checks the SDK then really runs the wasm kernels.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { ready, Rng } from '../../sdk/core';
import '../../sdk/core/grad';
import { nativeStatus } from '../../sdk/core/native/addon';
import { nativeCounts, nativeKernelsActive, registerNativeKernels, unregisterNativeKernels } from '../../sdk/core/native/kernels';
import { hypdaeConfig, createStage1, stage1Loss } from '../../sdk/models/hypdae';
import { AdamW } from '../../sdk/train/adamw';
import { nestedConfig } from '../../sdk/models/nested/config';
import { fitLatentSpace, disposeLatentSpace } from '../../sdk/models/nested/latents';
import { createLevelNet, levelLoss, nestedSchedule } from '../../sdk/models/nested/model';
import { disposeParams, type Params } from '../../sdk/nn/params';
import { groupNormAct } from '../../sdk/nn/norm';
import { doctor } from '../../sdk/cli/doctor';

type Net = (xs: tf.Tensor[]) => tf.Tensor;
interface Case {
  name: string;
  shapes: number[][];
  f: Net;
  kernels: string[];
}

const c4 = (t: tf.Tensor) => t as tf.Tensor4D;
const fconv =
  (stride: 1 | 2, pad: 'same' | 'valid' = 'same'): Net =>
  ([x, w, b]) =>
    tf.fused.conv2d({ x: c4(x), filter: c4(w), bias: b, strides: stride, pad });
const CONV = ['FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
const MM = ['BatchMatMul'];
const GN = ['HypnestGroupNormAffine', 'HypnestGroupNormAffineGrad'];
/** groupNormAct over (x, γ, β[, scale, shift]) as a function of tensors (the params store holds them as given). */
const gnorm =
  (groups: number, act: 'silu' | 'none'): Net =>
  ([x, g, b, scale, shift]) => {
    const p = { 'n.g': g, 'n.b': b } as unknown as Params;
    const [B, , , C] = x.shape;
    const ss = scale ? { scale: tf.reshape(scale, [B, 1, 1, C]), shift: tf.reshape(shift, [B, 1, 1, C]) } : {};
    return groupNormAct(p, 'n', x, groups, { act, ...ss });
  };

// The U-Net's convolutions (Fashion-MNIST 32×32, widths 32/64, 3×3 same, stride 2 down), the encoder's, odd
// sizes and the other paddings tfjs can ask for; dense layers and 1×1 convs as fused matMul; attention.
const CASES: Case[] = [
  { name: 'conv 3×3 s1 same 1→32 (in.conv)', shapes: [[4, 32, 32, 1], [3, 3, 1, 32], [32]], f: fconv(1), kernels: CONV },
  { name: 'conv 3×3 s1 same 32→32', shapes: [[4, 32, 32, 32], [3, 3, 32, 32], [32]], f: fconv(1), kernels: CONV },
  { name: 'conv 3×3 s2 same 32→32 (down)', shapes: [[4, 32, 32, 32], [3, 3, 32, 32], [32]], f: fconv(2), kernels: CONV },
  { name: 'conv 3×3 s1 same 64→64 at 8×8', shapes: [[4, 8, 8, 64], [3, 3, 64, 64], [64]], f: fconv(1), kernels: CONV },
  { name: 'conv 3×3 s1 same 32→1 (out.conv)', shapes: [[4, 32, 32, 32], [3, 3, 32, 1], [1]], f: fconv(1), kernels: CONV },
  { name: 'conv 3×3 s2 same, odd size', shapes: [[2, 7, 9, 3], [3, 3, 3, 4], [4]], f: fconv(2), kernels: CONV },
  { name: 'conv 3×3 s2 valid (crop)', shapes: [[2, 8, 8, 3], [3, 3, 3, 5], [5]], f: fconv(2, 'valid'), kernels: CONV },
  {
    name: 'conv 5×5 s2 same',
    shapes: [
      [1, 9, 7, 2],
      [5, 5, 2, 3],
    ],
    f: ([x, w]) => tf.conv2d(c4(x), c4(w), 2, 'same'),
    kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  },
  {
    name: 'conv explicit pad',
    shapes: [
      [2, 5, 5, 4],
      [3, 3, 4, 6],
    ],
    f: ([x, w]) =>
      tf.conv2d(c4(x), c4(w), 1, [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ]),
    kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  },
  {
    name: 'conv2dTranspose s2',
    shapes: [
      [2, 4, 4, 5],
      [3, 3, 3, 5],
    ],
    f: ([x, w]) => tf.conv2dTranspose(c4(x), c4(w), [2, 8, 8, 3], 2, 'same'),
    kernels: ['Conv2DBackpropInput'],
  },
  {
    name: 'dense (fused matMul + bias)',
    shapes: [[64, 128], [128, 256], [256]],
    f: ([x, w, b]) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    kernels: ['_FusedMatMul', ...MM],
  },
  {
    name: '1×1 conv as matMul',
    shapes: [[4 * 16 * 16, 32], [32, 64], [64]],
    f: ([x, w, b]) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    kernels: ['_FusedMatMul', ...MM],
  },
  {
    name: 'attention (batched q·kᵀ, softmax, ·v)',
    shapes: [
      [16, 64, 16],
      [16, 64, 16],
      [16, 64, 16],
    ],
    f: ([q, k, v]) => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 0.25)), v),
    kernels: MM,
  },
  {
    name: 'matMul aᵀ·bᵀ',
    shapes: [
      [5, 3],
      [4, 5],
    ],
    f: ([a, b]) => tf.matMul(a, b, true, true),
    kernels: MM,
  },
  { name: 'group norm 32 ch, 8 groups', shapes: [[4, 8, 8, 32], [32], [32]], f: gnorm(8, 'none'), kernels: GN },
  { name: 'group norm + SiLU, 64 ch at 16×16', shapes: [[3, 16, 16, 64], [64], [64]], f: gnorm(8, 'silu'), kernels: GN },
  {
    name: 'group norm + scale/shift + SiLU (AdaGN)',
    shapes: [[4, 8, 8, 32], [32], [32], [4, 32], [4, 32]],
    f: gnorm(8, 'silu'),
    kernels: GN,
  },
  { name: 'group norm, 1 group, odd size', shapes: [[2, 5, 7, 6], [6], [6]], f: gnorm(1, 'none'), kernels: GN },
  { name: 'sum over [0, 1, 2] (bias gradient)', shapes: [[4, 8, 8, 32]], f: ([x]) => tf.sum(x, [0, 1, 2]), kernels: ['Sum'] },
  {
    name: 'sum over [2, 4] (nearest-upsample gradient)',
    shapes: [[2, 4, 2, 4, 2, 8]],
    f: ([x]) => tf.sum(x, [2, 4]),
    kernels: ['Sum'],
  },
  { name: 'sum over the last axis, keepDims', shapes: [[3, 5, 7]], f: ([x]) => tf.sum(x, -1, true), kernels: ['Sum'] },
  { name: 'sum over [0, 2] with size-1 axes', shapes: [[3, 1, 5, 1, 6]], f: ([x]) => tf.sum(x, [0, 2]), kernels: ['Sum'] },
  { name: 'sum over everything', shapes: [[4, 6, 5]], f: ([x]) => tf.mul(tf.sum(x), x), kernels: ['Sum'] },
  {
    name: 'transpose rank 5 (attention heads)',
    shapes: [[2, 3, 4, 5, 6]],
    f: ([x]) => tf.transpose(x, [2, 0, 3, 1, 4]),
    kernels: ['Transpose'],
  },
  { name: 'transpose reversed, size-1 axis', shapes: [[3, 1, 4, 5]], f: ([x]) => tf.transpose(x, [3, 2, 1, 0]), kernels: ['Transpose'] },
  { name: 'transpose [0, 2, 1, 3]', shapes: [[4, 8, 2, 16]], f: ([x]) => tf.transpose(x, [0, 2, 1, 3]), kernels: ['Transpose'] },
  {
    name: 'concat on channels (U-Net skip connection)',
    shapes: [
      [4, 8, 8, 32],
      [4, 8, 8, 16],
    ],
    f: ([a, b]) => tf.concat([a, b], -1),
    kernels: ['Concat', 'SplitV'],
  },
  {
    name: 'concat of three on axis 1',
    shapes: [
      [3, 2, 5],
      [3, 4, 5],
      [3, 1, 5],
    ],
    f: (xs) => tf.concat(xs, 1),
    kernels: ['Concat', 'SplitV'],
  },
  {
    name: 'split in three on channels, unequal',
    shapes: [[2, 4, 4, 12]],
    f: ([x]) => {
      const [a, b, c] = tf.split(x, [3, 7, 2], -1);
      return tf.concat([tf.mul(a, 2), tf.sigmoid(b), tf.neg(c)], -1);
    },
    kernels: ['SplitV', 'Concat'],
  },
  {
    name: 'sigmoid (SiLU outside a group norm)',
    shapes: [[4, 8, 8, 32]],
    f: ([x]) => tf.mul(x, tf.sigmoid(tf.mul(x, 4))),
    kernels: ['Sigmoid'],
  },
  {
    name: 'matMul rank 4',
    shapes: [
      [2, 3, 4, 5],
      [2, 3, 5, 6],
    ],
    f: ([a, b]) => tf.matMul(a, b),
    kernels: MM,
  },
];

/** Output and gradients of Σ f(xs)·r for fixed random r, on the kernels registered now. */
function run(c: Case, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return tf
    .tidy(() => {
      const xs = c.shapes.map((s) => tf.tensor(rng.normals(s.reduce((a, b) => a * b, 1)), s));
      const out = c.f(xs);
      const r = tf.tensor(rng.normals(out.size), out.shape);
      return [out, ...tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(c.f(ys), r)))(xs)];
    })
    .map((g) => {
      const d = g.dataSync() as Float32Array;
      g.dispose();
      return d;
    });
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

const status = nativeStatus();
const native = status.available ? test : test.skip;
const snapshot = () => Object.fromEntries(Object.entries(nativeCounts).map(([k, v]) => [k, v.native]));

test.before(async () => {
  await ready();
  if (!status.available) console.log(`\n  native kernels unavailable, comparisons skipped: ${status.detail}`);
});
test.after(() => {
  if (status.available) registerNativeKernels();
});

for (const c of CASES) {
  native(`native equals wasm (output, gradients): ${c.name}`, () => {
    unregisterNativeKernels();
    assert.not.ok(nativeKernelsActive());
    const ref = run(c, 3);
    registerNativeKernels();
    assert.ok(nativeKernelsActive());
    const before = snapshot();
    const got = run(c, 3);
    const after = snapshot();
    for (const k of c.kernels) assert.ok((after[k] ?? 0) > (before[k] ?? 0), `${k} did not run natively`);
    assert.is(got.length, ref.length);
    for (let i = 0; i < ref.length; i++) {
      assert.is(got[i].length, ref[i].length);
      const e = relErr(got[i], ref[i]);
      assert.ok(e <= 1e-4, `${c.name} ${i === 0 ? 'output' : `gradient ${i - 1}`}: relative error ${e}`);
    }
  });
}

native('native gradients equal finite differences (conv s2 + bias, batched matMul with transposes)', () => {
  const rng = new Rng(5);
  const cases: [number[][], Net][] = [
    [[[2, 6, 6, 3], [3, 3, 3, 4], [4]], fconv(2)],
    [
      [
        [3, 5, 4],
        [3, 6, 5],
      ],
      ([a, b]) => tf.matMul(a, b, true, true),
    ],
  ];
  for (const [shapes, f] of cases) {
    const xs = shapes.map((s) => tf.tensor(rng.normals(s.reduce((a, b) => a * b, 1)), s));
    // a non-linear scalar loss, so central differences test more than linearity
    const loss = (ys: tf.Tensor[]) => tf.sum(tf.tanh(f(ys)));
    const grads = tf.grads((...ys: tf.Tensor[]) => loss(ys))(xs);
    for (let i = 0; i < xs.length; i++) {
      const v = tf.tensor(rng.normals(xs[i].size), xs[i].shape);
      const h = 1e-2;
      const at = (s: number) => loss(xs.map((x, j) => (j === i ? tf.add(x, tf.mul(v, s)) : x))).dataSync()[0];
      const fd = (at(h) - at(-h)) / (2 * h);
      const an = tf.sum(tf.mul(grads[i], v)).dataSync()[0];
      assert.ok(Math.abs(fd - an) <= 2e-3 * Math.max(1, Math.abs(an)), `input ${i}: finite difference ${fd}, gradient ${an}`);
      v.dispose();
    }
    tf.dispose([...xs, ...grads]);
  }
});

/** loss(), then one AdamW step, then loss() again, on the kernels registered now. */
function stepLosses(build: () => { params: Record<string, tf.Variable>; loss: () => tf.Scalar; dispose: () => void }): number[] {
  const m = build();
  const names = Object.keys(m.params);
  const opt = new AdamW(m.params);
  const { value, grads } = tf.variableGrads(
    m.loss,
    names.map((k) => m.params[k]),
  );
  const first = value.dataSync()[0];
  opt.step(Object.fromEntries(names.map((k) => [k, grads[m.params[k].name]])), 1e-3);
  tf.dispose([value, ...Object.values(grads)]);
  const l = m.loss();
  const second = l.dataSync()[0];
  l.dispose();
  m.dispose();
  return [first, second];
}

function bothPaths(name: string, build: Parameters<typeof stepLosses>[0]): void {
  unregisterNativeKernels();
  const ref = stepLosses(build);
  registerNativeKernels();
  const before = snapshot();
  const got = stepLosses(build);
  assert.ok((snapshot().FusedConv2D ?? 0) > (before.FusedConv2D ?? 0), 'FusedConv2D did not run natively');
  for (let i = 0; i < 2; i++) {
    const e = Math.abs(got[i] - ref[i]) / Math.abs(ref[i]);
    assert.ok(e <= 1e-4, `${name} loss ${i === 0 ? 'before' : 'after'} one step: native ${got[i]}, wasm ${ref[i]} (relative ${e})`);
  }
}

native('a HypDAE stage-I training step gives the same loss on both paths', () => {
  const rng = new Rng(2);
  const x = tf.tensor4d(
    Float32Array.from({ length: 8 * 1024 }, () => rng.next() * 2 - 1),
    [8, 32, 32, 1],
  );
  bothPaths('stage I', () => {
    const s1 = createStage1(hypdaeConfig());
    return { params: s1.params, loss: () => stage1Loss(s1, { x, xAug: x }, new Rng(7)), dispose: () => disposeParams(s1.params) };
  });
  x.dispose();
});

native('a nested pixel-level training step gives the same loss on both paths', () => {
  const c = nestedConfig({ levels: 5 });
  const B = 8;
  const spaces = c.dims.map((d, i) => {
    const f = tf.randomNormal([80, [32, 1024, 512, 1024][i]], 0, 1, 'float32', 10 + i) as tf.Tensor2D;
    const s = fitLatentSpace(f, d);
    f.dispose();
    return s;
  });
  const z = c.dims.map((d, i) => tf.randomNormal([B, d], 0, 1, 'float32', 30 + i) as tf.Tensor2D);
  const x = tf.randomNormal([B, 32, 32, 1], 0, 0.5, 'float32', 7) as tf.Tensor4D;
  bothPaths('nested level 5', () => {
    const net = createLevelNet(c, c.levels);
    return {
      params: net.params as Record<string, tf.Variable>,
      loss: () => levelLoss(c, nestedSchedule(c), net, spaces, c.levels, z, x, new Rng(1)),
      dispose: () => disposeParams(net.params),
    };
  });
  tf.dispose([...z, x]);
  spaces.forEach(disposeLatentSpace);
});

native('native equals wasm: matMul with a broadcast batch (forward; tfjs has no gradient for it)', () => {
  const rng = new Rng(4);
  // either side broadcast, and rank 3 × rank 2 (an output larger than either outer shape written out of bounds once)
  for (const [sa, sb] of [
    [
      [3, 4, 5],
      [1, 5, 6],
    ],
    [
      [1, 4, 5],
      [3, 5, 6],
    ],
    [
      [3, 4, 5],
      [5, 6],
    ],
  ]) {
    const [a, b] = [rng.normals(sa.reduce((p, q) => p * q)), rng.normals(sb.reduce((p, q) => p * q))];
    const forward = () => {
      const xs = [tf.tensor(a, sa), tf.tensor(b, sb)];
      const y = tf.matMul(xs[0], xs[1]);
      assert.equal(y.shape, [3, 4, 6]);
      const d = y.dataSync() as Float32Array;
      tf.dispose([...xs, y]);
      return d;
    };
    unregisterNativeKernels();
    const ref = forward();
    registerNativeKernels();
    const before = snapshot().BatchMatMul ?? 0;
    const got = forward();
    assert.ok((snapshot().BatchMatMul ?? 0) > before, 'BatchMatMul did not run natively');
    assert.ok(relErr(got, ref) <= 1e-4, `${JSON.stringify([sa, sb])}: relative error ${relErr(got, ref)}`);
  }
});

native('matMul: a row of a product is the same bit for bit whatever the number of rows (1–30, with a bias)', () => {
  registerNativeKernels();
  for (const [K, N] of [
    [10, 16],
    [32, 512],
    [300, 64],
  ]) {
    tf.tidy(() => {
      const A = tf.randomNormal([30, K], 0, 1, 'float32', 1);
      const W = tf.randomNormal([K, N], 0, 1, 'float32', 2);
      const bias = tf.randomNormal([N], 0, 1, 'float32', 3);
      const whole = tf.fused.matMul({ a: A as tf.Tensor2D, b: W as tf.Tensor2D, bias }).dataSync();
      for (let M = 1; M <= 30; M++) {
        const rows = tf.slice(A, [0, 0], [M, -1]) as tf.Tensor2D;
        const part = tf.fused.matMul({ a: rows, b: W as tf.Tensor2D, bias }).dataSync();
        for (let i = 0; i < M * N; i++) {
          if (part[i] !== whole[i])
            assert.unreachable(`K ${K} N ${N}: row ${Math.floor(i / N)} of ${M} rows differs from the 30-row product`);
        }
      }
    });
  }
});

native('no leaks: the native kernels free what they allocate', () => {
  const c = CASES[2];
  run(c, 1);
  const before = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  run(c, 1);
  assert.is(tf.memory().numTensors, before);
  assert.is(tf.memory().numBytes, bytes);
});

test('the kernels registered match the status: native when available, wasm otherwise', () => {
  assert.is(nativeKernelsActive(), status.available && tf.getBackend() === 'wasm', status.detail);
  if (!status.available) assert.equal(registerNativeKernels(), []);
});

test('hypnest doctor says which kernels run and why', async () => {
  const line = (await doctor()).checks.find((c) => c.name === 'backend')!.detail;
  if (tf.getBackend() !== 'wasm') return;
  if (status.available) assert.match(line, /wasm \+ native kernels: oneDNN \d+\.\d+/);
  else assert.match(line, new RegExp(`native kernels unavailable: ${status.detail.slice(0, 20).replace(/[().*+?[\]\\]/g, '\\$&')}`));
});

test.run();
