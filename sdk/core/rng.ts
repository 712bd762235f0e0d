/**
 * A small seeded random number generator (mulberry32 for uniforms, Box–Muller for normals).
 * Same seed, same sequence, on every backend: the source of every seed the SDK hands to tfjs.
 */
import { ShapeError, ValueError, describe } from './errors';

export class Rng {
  private state: number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** A Float32Array of n standard normals. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }
  /** A fresh 31-bit seed (for tfjs ops that take a seed). */
  seed(): number {
    return this.int(2 ** 31 - 1);
  }
  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

/** A seed derived from (seed, index): distinct, stable, 31-bit (e.g. one per class of a run, one per group of a call). */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) & 0x7fffffff;
}

/** A 31-bit seed mixed from integers (a murmur3-style finaliser per part): distinct inputs give unrelated streams. */
export function mixSeeds(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) ^ Math.imul(Math.floor(p / 2 ** 32) + 1, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    h ^= h >>> 16;
  }
  return h & 0x7fffffff;
}

/**
 * One stream per row (sample): `normals(n)` for a tensor of `rows` rows draws n / rows values from each row's own
 * Rng, row i's stream seeded by (seed, first + i). A sample's noise then does not depend on which batch it is
 * drawn in, so a long run split into batches gives the same samples as one batch (or as any other split).
 */
export class RowRng extends Rng {
  private readonly rows: Rng[];
  constructor(seed: number, first: number, count: number) {
    super(seed);
    this.rows = Array.from({ length: count }, (_, i) => new Rng(mixSeeds(seed, first + i)));
  }
  override normals(n: number): Float32Array {
    const R = this.rows.length;
    const per = n / R;
    if (!Number.isInteger(per)) throw new ShapeError('RowRng.normals(n)', { expected: `a multiple of the ${R} rows`, received: String(n) });
    const out = new Float32Array(n);
    for (let r = 0; r < R; r++) for (let j = 0; j < per; j++) out[r * per + j] = this.rows[r].normal();
    return out;
  }
}

/** The largest seed: seeds are 31-bit everywhere (tfjs ops take int32 seeds; larger values used to wrap silently). */
export const MAX_SEED = 2 ** 31 - 1;

/** A seed as given by a user: a whole number in [0, 2³¹ − 1], else a ValueError (never wrapped modulo 2³²). */
export function checkSeed(where: string, s: unknown): number {
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > MAX_SEED) {
    throw new ValueError(where, {
      expected: `a whole number in [0, ${MAX_SEED}] (2³¹ − 1)`,
      received: describe(s),
      hint: 'Seeds are 31-bit; pick a smaller one (e.g. 0, 1, 2).',
    });
  }
  return s;
}
