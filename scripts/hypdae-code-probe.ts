/**
 * Where does the class go when stage I decodes a code with fresh noise? (issue #20, item 1)
 *   node --require tsx/cjs scripts/hypdae-code-probe.ts [--checkpoints assets/hypdae] [--per-input 4] [--out out/eval/code-probe]
 * (a) class information in z = E(x): nearest-centroid (cosine) and 5-NN (cosine, leave-one-out) accuracy over the
 *     10 classes on T images (centroids/neighbours from T images too), per group (seen / unseen test images); and the
 *     3-way unseen task of the protocol: centroids of the 16 few-shot inputs, tested on the classes' reference images.
 * (b) recognisability (and FD against the reference set) of decodes of the unseen few-shot inputs' codes with
 *     fresh noise x_T, against guidance w and DDIM steps; with the input's DDIM-inverted x_T as the upper bound;
 *     and fresh-noise decodes of seen-class T images for comparison.
 * (c) does the decoder's x̂₀ depend on z at high t? From the same x_t, x̂₀ with the code of an unseen-class input
 *     vs the code of an input of another class (mean |Δ| over pixels, x̂₀ clipped to [−1, 1] as DDIM does), against
 *     the same code with two different noises; also the share of x̂₀(x_T, z) at t = T−1 the evaluator gives z's class.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core/backend';
import { positiveInt } from '../sdk/core/cli-args';
import { assetPath } from '../sdk/core/paths';
import { reportError } from '../sdk/core/report-error';
import { Rng } from '../sdk/core/rng';
import { loadStage1 } from '../sdk/models/hypdae/checkpoint';
import { decodeCodes, stochasticCode } from '../sdk/models/hypdae/generate';
import { Stage1, encodeAll, stage1Denoiser } from '../sdk/models/hypdae/stage1';
import { SEEN_CLASSES, UNSEEN_CLASSES } from '../sdk/data/classes';
import { fewShotInputs, referenceSet, splitT } from '../sdk/data/splits';
import { Evaluator } from '../sdk/models/evaluator';
import { frechetDistance } from '../sdk/metrics/fd';
import { normalTensor } from '../sdk/diffusion/denoiser';
import { alphaBarAt } from '../sdk/diffusion/q-sample';

const PX = 1024;
const f3 = (x: number) => x.toFixed(3);

function normRows(z: Float32Array, d: number): Float32Array {
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length / d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += z[i * d + k] ** 2;
    const r = 1 / Math.sqrt(s + 1e-12);
    for (let k = 0; k < d; k++) out[i * d + k] = z[i * d + k] * r;
  }
  return out;
}

const dot = (a: Float32Array, i: number, b: Float32Array, j: number, d: number) => {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
  return s;
};

/** Nearest-centroid (cosine) predictions of rows of zt among centroids of (zc, labels) over `classes`. */
function nearestCentroid(zc: Float32Array, lc: number[], zt: Float32Array, classes: readonly number[], d: number): number[] {
  const cent = new Float32Array(classes.length * d);
  classes.forEach((c, ci) => {
    let n = 0;
    lc.forEach((l, i) => {
      if (l !== c) return;
      n++;
      for (let k = 0; k < d; k++) cent[ci * d + k] += zc[i * d + k];
    });
    for (let k = 0; k < d; k++) cent[ci * d + k] /= Math.max(n, 1);
  });
  const cn = normRows(cent, d);
  const tn = normRows(zt, d);
  const out: number[] = [];
  for (let i = 0; i < zt.length / d; i++) {
    let best = 0;
    for (let c = 1; c < classes.length; c++) if (dot(tn, i, cn, c, d) > dot(tn, i, cn, best, d)) best = c;
    out.push(classes[best]);
  }
  return out;
}

/** Leave-one-out k-NN (cosine, majority vote) predictions. */
function knnLoo(z: Float32Array, labels: number[], d: number, k = 5): number[] {
  const zn = normRows(z, d);
  const n = labels.length;
  return labels.map((_, i) => {
    const sims: [number, number][] = [];
    for (let j = 0; j < n; j++) if (j !== i) sims.push([dot(zn, i, zn, j, d), labels[j]]);
    sims.sort((a, b) => b[0] - a[0]);
    const votes = new Map<number, number>();
    for (const [, l] of sims.slice(0, k)) votes.set(l, (votes.get(l) ?? 0) + 1);
    return [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
  });
}

const accuracy = (pred: number[], labels: number[], keep: (l: number) => boolean) => {
  let hit = 0,
    n = 0;
  pred.forEach((p, i) => {
    if (!keep(labels[i])) return;
    n++;
    if (p === labels[i]) hit++;
  });
  return hit / Math.max(n, 1);
};

function predicted(
  ev: Evaluator,
  images: Float32Array,
): { classes: number[]; features: { data: Float32Array; rows: number; cols: number } } {
  const f = ev.features(images);
  const logits = f.logits.arraySync();
  const pen = f.penultimate;
  const features = { data: pen.dataSync() as Float32Array, rows: pen.shape[0], cols: pen.shape[1] };
  tf.dispose([f.penultimate, f.logits, ...f.layers]);
  return { classes: logits.map((r) => r.indexOf(Math.max(...r))), features };
}

/** x̂₀ (clipped) of the decoder at timestep t from x_t with codes z. */
function x0Hat(s1: Stage1, xt: tf.Tensor4D, t: number, z: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const B = xt.shape[0];
    const eps = stage1Denoiser(s1)(xt, tf.fill([B], t, 'int32'), z);
    const ab = alphaBarAt(s1.schedule, t, B, 4);
    return tf.clipByValue(tf.div(tf.sub(xt, tf.mul(eps, tf.sqrt(tf.sub(1, ab)))), tf.sqrt(ab)), -1, 1) as tf.Tensor4D;
  });
}

const meanAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0]);

new Command('hypdae-code-probe')
  .option('--checkpoints <dir>', 'folder holding stage1.{json,safetensors}', assetPath('hypdae'))
  .option('--per-input <m>', 'fresh-noise decodes per few-shot input', (v) => positiveInt('--per-input', v), 4)
  .option('--quick', 'only the default-setting rows of (b)')
  .option('--out <base>', 'report base path (.json)', 'out/eval/code-probe')
  .action(async (o: { checkpoints: string; perInput: number; quick?: boolean; out: string }) => {
    await ready();
    const t0 = Date.now();
    const { stage1: s1 } = await loadStage1(path.join(o.checkpoints, 'stage1'));
    const d = s1.config.stage1.codeDim;
    const ev = await Evaluator.load();
    const report: Record<string, unknown> = { checkpoints: o.checkpoints, prediction: s1.config.stage1.prediction ?? 'epsilon' };
    const log = (l: string) => console.log(l);

    // (a) class information in z
    const T = splitT({ size: 32 });
    const perClass = 150;
    const picked: number[] = [];
    const counts = new Array(10).fill(0);
    for (let i = 0; i < T.n; i++) {
      if (counts[T.labels[i]] >= perClass) continue;
      counts[T.labels[i]]++;
      picked.push(i);
    }
    const imgs = new Float32Array(picked.length * PX);
    picked.forEach((i, r) => imgs.set(T.images.subarray(i * PX, (i + 1) * PX), r * PX));
    const labels = picked.map((i) => T.labels[i]);
    const z = encodeAll(s1, imgs);
    // centroids from the first 50 of each class, tested on the other 100
    const seenCount = new Array(10).fill(0);
    const isCentroid = labels.map((l) => seenCount[l]++ < 50);
    const sel = (keep: boolean[]) => {
      const rows = keep.map((k, i) => (k ? i : -1)).filter((i) => i >= 0);
      const out = new Float32Array(rows.length * d);
      rows.forEach((r, j) => out.set(z.subarray(r * d, (r + 1) * d), j * d));
      return { z: out, labels: rows.map((r) => labels[r]) };
    };
    const c = sel(isCentroid);
    const te = sel(isCentroid.map((k) => !k));
    const all10 = [...Array(10).keys()];
    const nc = nearestCentroid(c.z, c.labels, te.z, all10, d);
    const knn = knnLoo(z, labels, d, 5);
    const isUnseen = (l: number) => UNSEEN_CLASSES.includes(l);
    const evReal = predicted(ev, imgs).classes;
    const a = {
      nearestCentroid10: { seen: accuracy(nc, te.labels, (l) => !isUnseen(l)), unseen: accuracy(nc, te.labels, isUnseen) },
      knn5_10: { seen: accuracy(knn, labels, (l) => !isUnseen(l)), unseen: accuracy(knn, labels, isUnseen) },
      evaluatorOnReal: { seen: accuracy(evReal, labels, (l) => !isUnseen(l)), unseen: accuracy(evReal, labels, isUnseen) },
      unseen3way: 0,
      perUnseenClass10: Object.fromEntries(UNSEEN_CLASSES.map((u) => [u, accuracy(nc, te.labels, (l) => l === u)])),
    };
    {
      // 3-way: centroids of the 16 few-shot inputs, tested on 200 reference images of each unseen class
      const zc: Float32Array[] = [];
      const zt: Float32Array[] = [];
      const lc: number[] = [];
      const lt: number[] = [];
      for (const u of UNSEEN_CLASSES) {
        zc.push(encodeAll(s1, fewShotInputs(u, 1, { size: 32 }).images.slice(0, 16 * PX)));
        lc.push(...new Array(16).fill(u));
        zt.push(encodeAll(s1, referenceSet(u, { size: 32, limit: 200 }).images));
        lt.push(...new Array(200).fill(u));
      }
      const cat = (xs: Float32Array[]) => {
        const out = new Float32Array(xs.reduce((s, x) => s + x.length, 0));
        let off = 0;
        for (const x of xs) {
          out.set(x, off);
          off += x.length;
        }
        return out;
      };
      a.unseen3way = accuracy(nearestCentroid(cat(zc), lc, cat(zt), UNSEEN_CLASSES, d), lt, () => true);
    }
    report.a = a;
    log(`(a) z class information (codeDim ${d})`);
    log(
      `  10-class nearest centroid (cosine; 50 T/class centroids, 100 T/class tests): seen ${f3(a.nearestCentroid10.seen)} unseen ${f3(a.nearestCentroid10.unseen)}`,
    );
    log(`    per unseen class: ${JSON.stringify(a.perUnseenClass10)}`);
    log(`  10-class 5-NN leave-one-out (150 T/class): seen ${f3(a.knn5_10.seen)} unseen ${f3(a.knn5_10.unseen)}`);
    log(`  3-way unseen nearest centroid (16 few-shot inputs → 200 refs/class): ${f3(a.unseen3way)}`);
    log(`  (evaluator on the real images: seen ${f3(a.evaluatorOnReal.seen)} unseen ${f3(a.evaluatorOnReal.unseen)})`);

    // (b) decodes
    const m = o.perInput;
    const inputs = UNSEEN_CLASSES.map((u) => fewShotInputs(u, 1, { size: 32 }).images.slice(0, 16 * PX));
    const refs = UNSEEN_CLASSES.map((u) => predicted(ev, referenceSet(u, { size: 32 }).images).features);
    const codes = inputs.map((x) => encodeAll(s1, x));
    const rep = (zc: Float32Array) => {
      const out = new Float32Array(16 * m * d);
      for (let i = 0; i < 16; i++) for (let k = 0; k < m; k++) out.set(zc.subarray(i * d, (i + 1) * d), (i * m + k) * d);
      return out;
    };
    const inverted: tf.Tensor4D[] = [];
    const rowsB: Record<string, unknown>[] = [];
    const decodeRow = (name: string, w: number, steps: number, noise: 'fresh' | 'invert') => {
      const ts = Date.now();
      let rec = 0,
        fd = 0;
      const confusion: Record<number, number[]> = {};
      UNSEEN_CLASSES.forEach((u, ci) => {
        let out: Float32Array;
        if (noise === 'fresh') {
          const zt = tf.tensor2d(rep(codes[ci]), [16 * m, d]);
          const y = decodeCodes(s1, zt, { steps, guidance: w, seed: 1000 + u });
          out = y.dataSync() as Float32Array;
          tf.dispose([zt, y]);
        } else {
          const zt = tf.tensor2d(codes[ci], [16, d]);
          if (!inverted[ci]) {
            const x = tf.tensor4d(inputs[ci], [16, 32, 32, 1]);
            inverted[ci] = stochasticCode(s1, x, zt, { steps }).noise;
            x.dispose();
          }
          const y = decodeCodes(s1, zt, { steps, guidance: w, noise: inverted[ci] });
          out = y.dataSync() as Float32Array;
          tf.dispose([zt, y]);
        }
        const p = predicted(ev, out);
        rec += p.classes.filter((k) => k === u).length / p.classes.length / 3;
        const hist = new Array(10).fill(0);
        for (const k of p.classes) hist[k]++;
        confusion[u] = hist;
        fd += frechetDistance(p.features, refs[ci]) / 3;
      });
      const row = { name, guidance: w, steps, noise, recognisability: rec, fd, confusion, seconds: (Date.now() - ts) / 1000 };
      rowsB.push(row);
      const top = (u: number) =>
        confusion[u]
          .map((n, k) => [k, n])
          .sort((x, y) => y[1] - x[1])
          .slice(0, 3)
          .map(([k, n]) => `${k}:${n}`)
          .join(' ');
      log(
        `  ${name.padEnd(34)} w ${String(w).padEnd(3)} steps ${String(steps).padEnd(3)} recognisability ${f3(rec)} FD ${fd.toFixed(1)}` +
          `  evaluator's classes (class:count) ${UNSEEN_CLASSES.map((u) => `${u}→[${top(u)}]`).join(' ')}`,
      );
    };
    log(`(b) decodes of the 3 unseen classes' 16 few-shot inputs (${m} fresh-noise outputs per input; inverted: 1 per input)`);
    const guidances = o.quick ? [1, 4] : [1, 2, 4, 8];
    for (const w of guidances) decodeRow('fresh noise', w, 10, 'fresh');
    if (!o.quick) for (const st of [20, 50]) decodeRow('fresh noise', 4, st, 'fresh');
    decodeRow('DDIM-inverted x_T (upper bound)', 1, 10, 'invert');
    decodeRow('DDIM-inverted x_T (upper bound)', 4, 10, 'invert');
    tf.dispose(inverted);
    {
      // seen classes, fresh noise, w 4, 10 steps: 16 T images per class × m
      let rec = 0;
      for (const sc of SEEN_CLASSES) {
        const rows: number[] = [];
        for (let i = 0; i < T.n && rows.length < 16; i++) if (T.labels[i] === sc) rows.push(i);
        const x = new Float32Array(16 * PX);
        rows.forEach((r, j) => x.set(T.images.subarray(r * PX, (r + 1) * PX), j * PX));
        const zt = tf.tensor2d(rep(encodeAll(s1, x)), [16 * m, d]);
        const y = decodeCodes(s1, zt, { steps: 10, guidance: 4, seed: 1000 + sc });
        const p = predicted(ev, y.dataSync() as Float32Array);
        tf.dispose([zt, y]);
        rec += p.classes.filter((k) => k === sc).length / p.classes.length / SEEN_CLASSES.length;
      }
      rowsB.push({ name: 'seen classes, fresh noise', guidance: 4, steps: 10, recognisability: rec });
      log(`  ${'seen classes (T), fresh noise'.padEnd(34)} w 4   steps 10  recognisability ${f3(rec)}`);
    }
    report.b = rowsB;

    // (c) sensitivity of x̂₀ to z at high t
    log('(c) x̂₀ from the same x_t: mean |Δ| (pixels in [−1, 1]) between codes of two classes vs between two noises');
    const rowsC: Record<string, number>[] = [];
    const zA = tf.tensor2d(codes[0], [16, d]); // class 2 (Pullover)
    const zB = tf.tensor2d(codes[2], [16, d]); // class 7 (Sneaker)
    const zA2 = tf.tensor2d(codes[1], [16, d]); // class 6 (Shirt)
    const xRef = tf.tensor4d(inputs[1], [16, 32, 32, 1]);
    for (const t of [999, 900, 750, 500]) {
      const rng = new Rng(t);
      const n1 = normalTensor([16, 32, 32, 1], rng) as tf.Tensor4D;
      const n2 = normalTensor([16, 32, 32, 1], rng) as tf.Tensor4D;
      // t = T−1: x_t is the noise itself (as a fresh-noise decode starts); lower t: a noised Shirt input
      const ab = s1.schedule.alphasCumprod[t];
      const mk = (n: tf.Tensor4D) =>
        t === 999 ? n.clone() : (tf.tidy(() => tf.add(tf.mul(xRef, Math.sqrt(ab)), tf.mul(n, Math.sqrt(1 - ab)))) as tf.Tensor4D);
      const x1 = mk(n1);
      const x2 = mk(n2);
      const pA1 = x0Hat(s1, x1, t, zA);
      const pB1 = x0Hat(s1, x1, t, zB);
      const pA2 = x0Hat(s1, x2, t, zA);
      const pAs = x0Hat(s1, x1, t, zA2);
      const pN = x0Hat(s1, x1, t, tf.tile(tf.expandDims(s1.params['dec.cond.null'], 0), [16, 1]));
      const row = {
        t,
        codesPulloverVsSneaker: meanAbs(pA1, pB1),
        codesPulloverVsShirt: meanAbs(pA1, pAs),
        codeVsNull: meanAbs(pA1, pN),
        noises: meanAbs(pA1, pA2),
        recognisedPullover: t === 999 ? predicted(ev, pA1.dataSync() as Float32Array).classes.filter((k) => k === 2).length / 16 : NaN,
        recognisedSneaker: t === 999 ? predicted(ev, pB1.dataSync() as Float32Array).classes.filter((k) => k === 7).length / 16 : NaN,
      };
      rowsC.push(row);
      log(
        `  t ${String(t).padEnd(4)} codes Pullover↔Sneaker ${f3(row.codesPulloverVsSneaker)}  Pullover↔Shirt ${f3(row.codesPulloverVsShirt)}  code↔null ${f3(row.codeVsNull)}  two noises ${f3(row.noises)}` +
          (t === 999 ? `  x̂₀ recognised: Pullover ${f3(row.recognisedPullover)} Sneaker ${f3(row.recognisedSneaker)}` : ''),
      );
      tf.dispose([n1, n2, x1, x2, pA1, pB1, pA2, pAs, pN]);
    }
    tf.dispose([zA, zB, zA2, xRef]);
    report.c = rowsC;
    report.seconds = (Date.now() - t0) / 1000;
    fs.mkdirSync(path.dirname(o.out), { recursive: true });
    fs.writeFileSync(`${o.out}.json`, JSON.stringify(report, null, 2) + '\n');
    log(`wrote ${o.out}.json (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    ev.dispose();
  })
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.exitCode = reportError(e);
  });
