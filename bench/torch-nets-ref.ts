/**
 * The SDK's forwards on fixed inputs, for bench/torch_nets_check.py (which compares bench/torch_nets.py's PyTorch
 * ports with them): the shipped HypDAE stage I (encoder, U-Net decoder with a code), stage II (toBall, fromBall) and
 * the nested L5 model (a latent MLP level and the pixel U-Net with its spatial input). Inputs are formulas both sides
 * compute: x[i] = sin(0.37 i + k) over the flat NHWC array (k per input). Prints one JSON line of flat NHWC outputs.
 * Run: node --require tsx/cjs bench/torch-nets-ref.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core/backend';
import { assetPath } from '../sdk/core/paths';
import { hyp } from '../sdk/fluent';
import { encodeSemantic, stage1Denoiser } from '../sdk/models/hypdae/stage1';
import { fromBall, toBall } from '../sdk/models/hypdae/stage2';
import { loadNested } from '../sdk/models/nested/checkpoint';
import { levelDenoiser } from '../sdk/models/nested/model';

/** sin(0.37 i + k), i = 0 … n − 1. */
const wave = (n: number, k: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(0.37 * i + k));

async function main(): Promise<void> {
  const report = await ready();
  const out: Record<string, number[] | string> = {};
  const { stage1, stage2 } = await hyp.load();
  const B = 4;
  const x = tf.tensor4d(wave(B * 1024, 0), [B, 32, 32, 1]);
  const t = tf.tensor1d([999, 500, 21, 1], 'int32');
  const z = encodeSemantic(stage1, x);
  out.hyp_encoder = Array.from(z.dataSync());
  const eps = stage1Denoiser(stage1)(x, t, z);
  out.hyp_unet = Array.from(eps.dataSync());
  const h = toBall(stage2!, z);
  out.hyp_to_ball = Array.from(h.dataSync());
  const zh = fromBall(stage2!, h);
  out.hyp_from_ball = Array.from(zh.dataSync());
  tf.dispose([x, z, eps, h, zh]);
  hyp.dispose();

  const { model } = await loadNested(assetPath('nested', 'L5', 'nested'));
  const c = model.config;
  const d2 = c.dims[1];
  const cond2 = tf.tensor2d(wave(B * (c.dims[0] + 2), 1, 0.5), [B, c.dims[0] + 2]);
  const z2 = tf.tensor2d(wave(B * d2, 2), [B, d2]);
  const y2 = levelDenoiser(c, model.nets[1], 2, model.spaces)(z2, t, cond2);
  out.nested_level2 = Array.from(y2.dataSync());
  const L = c.levels;
  const condL = (model.nets[L - 1].params['cond.proj.w'] as tf.Tensor).shape[0];
  const cond5 = tf.tensor2d(wave(B * condL, 3, 0.5), [B, condL]);
  const x5 = tf.tensor4d(wave(B * 1024, 4), [B, 32, 32, 1]);
  const y5 = levelDenoiser(c, model.nets[L - 1], L, model.spaces)(x5, t, cond5);
  out.nested_pixel = Array.from(y5.dataSync());
  tf.dispose([cond2, z2, y2, cond5, x5, y5, t]);
  out.sdk = `${report.chosen}${report.native?.available ? ` + native kernels (${report.native.detail})` : ''}`;
  // exit only once the (large) line is flushed to the pipe
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(out) + '\n', () => resolve()));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
