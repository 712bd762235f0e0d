/**
 * Group norm with a per-sample affine, fused into two kernels for the wasm backend (JavaScript over the
 * heap; the stock composition costs ~12 kernels forward and ~30 backward, most of them full passes and
 * transposed reductions). For x [B, …, C] with G groups of Cg = C/G channels, M = (spatial size)·Cg:
 *   μ[b,g], σ²[b,g] = mean, biased variance of x[b, ·, c ∈ g];   r = 1/√(σ² + ε);   x̂ = (x − μ)·r
 *   u[b,·,c] = x̂·γ[c]·s[b,c] + β[c]·s[b,c] + t[b,c]  =  x·P[b,c] + Q[b,c]
 *     with P = r·γ·s, Q = β·s + t − μ·P   (s ≡ 1, t ≡ 0 when not given)
 * Backward, for g = ∂L/∂u (the caller's activation gradient folded in, see `act`):
 *   Sg[b,c] = Σ g,   Sx̂[b,c] = Σ g·x̂ = r·(Σ g·x − μ·Sg)         (sums over the spatial axes)
 *   with A = γ·s:  m1 = Σ_{c∈g} A·Sg / M,  m2 = Σ_{c∈g} A·Sx̂ / M
 *   ∂L/∂x = r·(g·A − m1 − x̂·m2) = g·P + x·K1 + K0,   K1 = −r²·m2,   K0 = −r·m1 + r²·m2·μ
 *   ∂L/∂γ = Σ_b Sx̂·s,  ∂L/∂β = Σ_b Sg·s,  ∂L/∂s = Sx̂·γ + Sg·β,  ∂L/∂t = Sg   (done by the caller)
 * act 'silu': the kernel is given σ(u) (from the forward) and uses ∂SiLU/∂u = σ·(1 + u·(1 − σ)), u recomputed.
 * Sums run in float64.
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;

interface HeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array;
}

export const GROUP_NORM_AFFINE = 'HypnestGroupNormAffine';
export const GROUP_NORM_AFFINE_GRAD = 'HypnestGroupNormAffineGrad';

interface Args {
  inputs: tf.NamedTensorInfoMap;
  attrs?: Record<string, unknown>;
  backend: unknown;
}

interface Dims {
  B: number;
  S: number;
  C: number;
  G: number;
  Cg: number;
}

function dims(x: Info, groups: number): Dims {
  const B = x.shape[0];
  const C = x.shape[x.shape.length - 1];
  const S = x.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  return { B, S, C, G: groups, Cg: C / groups };
}

/** P, Q [C] for sample b from μ, r of its groups and the affine inputs (float64). */
function affineOf(
  b: number,
  d: Dims,
  mean: ArrayLike<number>,
  rstd: ArrayLike<number>,
  gamma: Float32Array,
  beta: Float32Array,
  scale: Float32Array | undefined,
  shift: Float32Array | undefined,
  P: Float64Array,
  Q: Float64Array,
): void {
  for (let c = 0; c < d.C; c++) {
    const g = b * d.G + Math.floor(c / d.Cg);
    const s = scale ? scale[b * d.C + c] : 1;
    const p = rstd[g] * gamma[c] * s;
    P[c] = p;
    Q[c] = beta[c] * s + (shift ? shift[b * d.C + c] : 0) - mean[g] * p;
  }
}

/** inputs x, gamma, beta, [scale, shift]; attrs groups, eps → [u, mean [B,G], rstd [B,G]]. */
export function groupNormAffineWasm({ inputs, attrs, backend }: Args): Info[] {
  const be = backend as HeapBackend;
  const { x, gamma, beta, scale, shift } = inputs as Record<string, Info | undefined>;
  const { groups, eps } = attrs as { groups: number; eps: number };
  const d = dims(x!, groups);
  const out = be.makeOutput(x!.shape, 'float32');
  const meanT = be.makeOutput([d.B, d.G], 'float32');
  const rstdT = be.makeOutput([d.B, d.G], 'float32');
  // Heap views only after every allocation (allocation may grow and move the heap).
  const X = be.typedArrayFromHeap(x!);
  const U = be.typedArrayFromHeap(out);
  const Mn = be.typedArrayFromHeap(meanT);
  const Rs = be.typedArrayFromHeap(rstdT);
  const ga = be.typedArrayFromHeap(gamma!);
  const bt = be.typedArrayFromHeap(beta!);
  const sc = scale ? be.typedArrayFromHeap(scale) : undefined;
  const sh = shift ? be.typedArrayFromHeap(shift) : undefined;
  const sum = new Float64Array(d.C);
  const sq = new Float64Array(d.C);
  const mean = new Float64Array(d.B * d.G);
  const rstd = new Float64Array(d.B * d.G);
  const P = new Float64Array(d.C);
  const Q = new Float64Array(d.C);
  const M = d.S * d.Cg;
  for (let b = 0; b < d.B; b++) {
    sum.fill(0);
    sq.fill(0);
    const base = b * d.S * d.C;
    for (let s = 0, i = base; s < d.S; s++) {
      for (let c = 0; c < d.C; c++, i++) {
        const v = X[i];
        sum[c] += v;
        sq[c] += v * v;
      }
    }
    for (let g = 0; g < d.G; g++) {
      let s1 = 0;
      let s2 = 0;
      for (let c = g * d.Cg; c < (g + 1) * d.Cg; c++) {
        s1 += sum[c];
        s2 += sq[c];
      }
      const mu = s1 / M;
      const v = Math.max(s2 / M - mu * mu, 0);
      mean[b * d.G + g] = mu;
      rstd[b * d.G + g] = 1 / Math.sqrt(v + eps);
    }
    affineOf(b, d, mean, rstd, ga, bt, sc, sh, P, Q);
    for (let s = 0, i = base; s < d.S; s++) {
      for (let c = 0; c < d.C; c++, i++) U[i] = X[i] * P[c] + Q[c];
    }
  }
  Mn.set(mean);
  Rs.set(rstd);
  return [out, meanT, rstdT];
}

/**
 * inputs dy, x, [sig], gamma, beta, [scale, shift], mean, rstd; attrs groups, act ('silu' needs sig = σ(u))
 * → [dx, Sx̂ [B,C], Sg [B,C]].
 */
export function groupNormAffineGradWasm({ inputs, attrs, backend }: Args): Info[] {
  const be = backend as HeapBackend;
  const { dy, x, sig, gamma, beta, scale, shift, mean, rstd } = inputs as Record<string, Info | undefined>;
  const { groups, act } = attrs as { groups: number; act: 'silu' | 'none' };
  const d = dims(x!, groups);
  const dxT = be.makeOutput(x!.shape, 'float32');
  const sxT = be.makeOutput([d.B, d.C], 'float32');
  const sgT = be.makeOutput([d.B, d.C], 'float32');
  const DY = be.typedArrayFromHeap(dy!);
  const X = be.typedArrayFromHeap(x!);
  const DX = be.typedArrayFromHeap(dxT);
  const SIG = act === 'silu' ? be.typedArrayFromHeap(sig!) : undefined;
  const ga = be.typedArrayFromHeap(gamma!);
  const bt = be.typedArrayFromHeap(beta!);
  const sc = scale ? be.typedArrayFromHeap(scale) : undefined;
  const sh = shift ? be.typedArrayFromHeap(shift) : undefined;
  const Mn = be.typedArrayFromHeap(mean!);
  const Rs = be.typedArrayFromHeap(rstd!);
  const SX = be.typedArrayFromHeap(sxT);
  const SG = be.typedArrayFromHeap(sgT);
  const P = new Float64Array(d.C);
  const Q = new Float64Array(d.C);
  const sg = new Float64Array(d.C);
  const sgx = new Float64Array(d.C);
  const k1 = new Float64Array(d.C);
  const k0 = new Float64Array(d.C);
  const M = d.S * d.Cg;
  for (let b = 0; b < d.B; b++) {
    affineOf(b, d, Mn, Rs, ga, bt, sc, sh, P, Q);
    sg.fill(0);
    sgx.fill(0);
    const base = b * d.S * d.C;
    // pass 1: g = ∂L/∂u (stored in dx), per-channel Σg and Σg·x
    if (SIG) {
      for (let s = 0, i = base; s < d.S; s++) {
        for (let c = 0; c < d.C; c++, i++) {
          const xv = X[i];
          const sv = SIG[i];
          const u = xv * P[c] + Q[c];
          const g = DY[i] * sv * (1 + u * (1 - sv));
          DX[i] = g;
          sg[c] += g;
          sgx[c] += g * xv;
        }
      }
    } else {
      for (let s = 0, i = base; s < d.S; s++) {
        for (let c = 0; c < d.C; c++, i++) {
          const g = DY[i];
          DX[i] = g;
          sg[c] += g;
          sgx[c] += g * X[i];
        }
      }
    }
    for (let g = 0; g < d.G; g++) {
      const mu = Mn[b * d.G + g];
      const r = Rs[b * d.G + g];
      let m1 = 0;
      let m2 = 0;
      for (let c = g * d.Cg; c < (g + 1) * d.Cg; c++) {
        const a = ga[c] * (sc ? sc[b * d.C + c] : 1);
        const sxh = r * (sgx[c] - mu * sg[c]);
        SX[b * d.C + c] = sxh;
        SG[b * d.C + c] = sg[c];
        m1 += a * sg[c];
        m2 += a * sxh;
      }
      m1 /= M;
      m2 /= M;
      for (let c = g * d.Cg; c < (g + 1) * d.Cg; c++) {
        k1[c] = -r * r * m2;
        k0[c] = -r * m1 + r * r * m2 * mu;
      }
    }
    // pass 2: ∂L/∂x = g·P + x·K1 + K0
    for (let s = 0, i = base; s < d.S; s++) {
      for (let c = 0; c < d.C; c++, i++) DX[i] = DX[i] * P[c] + X[i] * k1[c] + k0[c];
    }
  }
  return [dxT, sxT, sgT];
}
