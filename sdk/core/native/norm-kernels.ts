/** The group norm kernels (our C++ on OpenMP threads; the same formulas as sdk/core/grad/wasm-group-norm.ts). */
import * as tf from '@tensorflow/tfjs-core';
import type { DnnlAddon } from './addon';
import { type Args, type HeapBackend, type Info, count, fallback, isF32, size } from './kernel-common';
import { GROUP_NORM_AFFINE, GROUP_NORM_AFFINE_GRAD } from '../grad/wasm-group-norm';

/** The addon's group norm dims [B, S, C, G], or undefined for shapes it does not take. */
function gnDims(x: Info, groups: unknown): Int32Array | undefined {
  const C = x.shape[x.shape.length - 1];
  const B = x.shape[0];
  if (x.shape.length < 2 || typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1 || C % groups !== 0) return undefined;
  const S = size(x.shape.slice(1, -1));
  return B * S * C === 0 ? undefined : Int32Array.from([B, S, C, groups]);
}

/** The group norm kernels' outputs: one like x, two [B, k]. */
function gnOutputs(be: HeapBackend, x: Info, k: number): [Info, Info, Info] {
  return [be.makeOutput([...x.shape], 'float32'), be.makeOutput([x.shape[0], k], 'float32'), be.makeOutput([x.shape[0], k], 'float32')];
}

/**
 * HypnestGroupNormAffine: x, gamma, beta, [scale, shift] [B, C] → [u, mean [B, G], rstd [B, G]]; with attrs.act
 * 'silu' (only the native kernel takes it, see sdk/nn/norm.ts) → [u·σ(u), mean, rstd, σ(u)], fused in one pass.
 */
function groupNormKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = GROUP_NORM_AFFINE;
  return ((args: Args) => {
    const { x, gamma, beta, scale, shift } = args.inputs as Record<string, Info | undefined>;
    const { groups, eps, act } = (args.attrs ?? {}) as { groups?: number; eps?: number; act?: string };
    const silu = act === 'silu';
    const dims = x && gnDims(x, groups);
    const be = args.backend as HeapBackend;
    if (!dims || typeof eps !== 'number' || !isF32(x, gamma, beta, scale, shift) || Boolean(scale) !== Boolean(shift)) {
      // sdk/nn/norm.ts asks for SiLU only from this kernel, with shapes it takes; the wasm kernel has no act
      if (silu) throw new Error(`native ${name} with act 'silu': float32 x, γ, β, scale with shift, groups dividing C, numeric eps`);
      return fallback(name, args);
    }
    const [u, mean, rstd] = gnOutputs(be, x!, dims[3]);
    const sig = silu ? be.makeOutput([...x!.shape], 'float32') : undefined;
    const heap = (t: Info | undefined) => (t ? be.typedArrayFromHeap(t) : null);
    addon.groupNorm(
      heap(x)!,
      heap(gamma)!,
      heap(beta)!,
      heap(scale),
      heap(shift),
      heap(u)!,
      heap(mean)!,
      heap(rstd)!,
      dims,
      eps,
      heap(sig),
    );
    count(name, true);
    return sig ? [u, mean, rstd, sig] : [u, mean, rstd];
  }) as unknown as tf.KernelFunc;
}

/** HypnestGroupNormAffineGrad: dy, x, [sig], gamma, beta, [scale, shift], mean, rstd → [dx, Σx̂·g, Σg]. */
function groupNormGradKernel(addon: DnnlAddon): tf.KernelFunc {
  const name = GROUP_NORM_AFFINE_GRAD;
  return ((args: Args) => {
    const { dy, x, sig, gamma, beta, scale, shift, mean, rstd } = args.inputs as Record<string, Info | undefined>;
    const { groups, act } = (args.attrs ?? {}) as { groups?: number; act?: string };
    const dims = x && gnDims(x, groups);
    const silu = act === 'silu';
    if (!dims || !dy || !mean || !rstd || (silu && !sig) || !isF32(dy, x, sig, gamma, beta, scale, shift, mean, rstd))
      return fallback(name, args);
    const be = args.backend as HeapBackend;
    const [dx, sx, sg] = gnOutputs(be, x!, dims[2]);
    const heap = (t: Info | undefined) => (t ? be.typedArrayFromHeap(t) : null);
    addon.groupNormGrad(
      heap(dy)!,
      heap(x)!,
      silu ? heap(sig) : null,
      heap(gamma)!,
      heap(beta)!,
      heap(scale),
      heap(shift),
      heap(mean)!,
      heap(rstd)!,
      heap(dx)!,
      heap(sx)!,
      heap(sg)!,
      dims,
    );
    count(name, true);
    return [dx, sx, sg];
  }) as unknown as tf.KernelFunc;
}

/** [kernel name, kernel] of this file's kernels. */
export function normKernels(addon: DnnlAddon): [string, tf.KernelFunc][] {
  return [
    [GROUP_NORM_AFFINE, groupNormKernel(addon)],
    [GROUP_NORM_AFFINE_GRAD, groupNormGradKernel(addon)],
  ];
}
