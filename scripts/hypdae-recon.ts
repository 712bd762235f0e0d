/**
 * Stage I's reconstruction quality (Diff-AE autoencoding x → (z, x_T) → x̂, no guidance, DDIM η 0):
 *   npx tsx scripts/hypdae-recon.ts [--checkpoints assets/hypdae] [--steps 20] [--out assets/hypdae/recon]
 * Images: the protocol's few-shot inputs (16 of each unseen class: never trained on) and the first 16 T images of
 * each seen class (their class was trained on, these images were not). Per group: pixel RMS and PSNR (pixels in
 * [−1, 1], peak-to-peak 2), identity (cosine of evaluator features, input vs reconstruction) and the share of
 * reconstructions the evaluator assigns to the input's class. Writes <out>.json and <out>.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../sdk/core/backend';
import { positiveInt } from '../sdk/core/cli-args';
import { writeFileAtomic } from '../sdk/core/atomic';
import { assetPath, gitCommit } from '../sdk/core/paths';
import { reportError } from '../sdk/core/report-error';
import { loadStage1 } from '../sdk/models/hypdae/checkpoint';
import { reconstruct } from '../sdk/models/hypdae/generate';
import { CLASS_NAMES, SEEN_CLASSES, UNSEEN_CLASSES } from '../sdk/data/classes';
import { fewShotInputs, splitT } from '../sdk/data/splits';
import { Evaluator } from '../sdk/models/evaluator';
import { identity } from '../sdk/metrics/identity';

const PX = 1024;

interface Row {
  group: string;
  classes: number[];
  n: number;
  rms: number;
  psnr: number;
  identity: number;
  recognised: number;
}

new Command('hypdae-recon')
  .option('--checkpoints <dir>', 'folder holding stage1.{json,safetensors}', assetPath('hypdae'))
  .option('--steps <n>', 'DDIM steps of inversion and decoding', (v) => positiveInt('--steps', v), 20)
  .option('--out <base>', 'report base path', 'out/eval/hypdae-recon')
  .action(async (o: { checkpoints: string; steps: number; out: string }) => {
    await ready();
    const t0 = Date.now();
    const { stage1, meta } = await loadStage1(path.join(o.checkpoints, 'stage1'));
    const ev = await Evaluator.load();
    const T = splitT({ size: 32 });
    const firstOf = (c: number): Float32Array => {
      if (UNSEEN_CLASSES.includes(c)) return fewShotInputs(c, 1, { size: 32 }).images.slice(0, 16 * PX);
      const out = new Float32Array(16 * PX);
      for (let i = 0, k = 0; i < T.n && k < 16; i++) if (T.labels[i] === c) out.set(T.images.subarray(i * PX, (i + 1) * PX), PX * k++);
      return out;
    };
    const rows: Row[] = [];
    for (const [group, classes] of [
      ['unseen (few-shot inputs)', [...UNSEEN_CLASSES]],
      ['seen (T images)', [...SEEN_CLASSES]],
    ] as const) {
      let se = 0,
        count = 0,
        idSum = 0,
        rec = 0,
        psnrSum = 0;
      for (const c of classes) {
        const x = firstOf(c);
        const xt = tf.tensor4d(x, [16, 32, 32, 1]);
        const y = reconstruct(stage1, xt, { steps: o.steps });
        const yd = y.dataSync() as Float32Array;
        tf.dispose([xt, y]);
        for (let i = 0; i < 16; i++) {
          let s = 0;
          for (let j = 0; j < PX; j++) s += (yd[i * PX + j] - x[i * PX + j]) ** 2;
          se += s;
          psnrSum += 10 * Math.log10(4 / (s / PX));
        }
        count += 16;
        idSum += identity(ev.embed(yd), ev.embed(x)) * 16;
        rec += Array.from(ev.classify(yd)).filter((k) => k === c).length;
      }
      rows.push({
        group,
        classes: [...classes],
        n: count,
        rms: Math.sqrt(se / (count * PX)),
        psnr: psnrSum / count,
        identity: idSum / count,
        recognised: rec / count,
      });
    }
    ev.dispose();
    const report = {
      commit: gitCommit(),
      checkpoints: o.checkpoints,
      stage1Step: (meta as { step?: number }).step,
      steps: o.steps,
      wallSeconds: (Date.now() - t0) / 1000,
      rows,
    };
    const md = [
      '# HypDAE stage I: reconstruction',
      '',
      `commit \`${report.commit}\` · checkpoint ${o.checkpoints} (step ${report.stage1Step}) · DDIM ${o.steps} steps, inversion then decoding, no guidance · wall ${report.wallSeconds.toFixed(0)} s`,
      '',
      '| images | n | pixel RMS ↓ | PSNR (dB) ↑ | identity ↑ | recognised ↑ |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.group}: ${r.classes.map((c) => CLASS_NAMES[c]).join(', ')} | ${r.n} | ${r.rms.toFixed(3)} | ${r.psnr.toFixed(1)} | ${r.identity.toFixed(3)} | ${r.recognised.toFixed(3)} |`,
      ),
      '',
    ].join('\n');
    fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
    await writeFileAtomic(`${o.out}.json`, JSON.stringify(report, null, 2) + '\n');
    await writeFileAtomic(`${o.out}.md`, md);
    console.log(md);
  })
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.exitCode = reportError(e);
  });
