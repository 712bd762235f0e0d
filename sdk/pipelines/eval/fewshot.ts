/**
 * The protocol's few-shot run: for each method and seed, each unseen class's 16 inputs → 16 × 8 outputs,
 * scored against the class's reference set with the frozen evaluator, averaged over classes; then
 * mean ± std over seeds. Writes JSON + markdown (see report.ts) when `out` is given.
 */
import { FEW_SHOT_INPUTS } from '../../data/splits';
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../../core/backend';
import { ConfigError, ShapeError, checkOptions, describe } from '../../core/errors';
import { gitCommit } from '../../core/paths';
import { progress } from '../../core/progress';
import { Evaluator } from '../../models/evaluator';
import { FewShotData, UNSEEN_CLASSES } from './data';
import { defaultFewShotData } from './default-data';
import { NamedMethod, mixSeed } from './method';
import { ClassContext, FewShotScores, meanScores, scoreClass, stdScores } from './metrics-set';
import { resolveMethods } from './registry';
import { FewShotMethodResult, FewShotReport, writeFewShotReport } from './report';

export interface FewShotEvalOptions {
  /** Method names ('copy', 'augment', registered ones) or { name, run }. */
  methods: (string | NamedMethod)[];
  seeds?: number[];
  /** Base path of the report (writes .json and .md); omit to only return it. */
  out?: string;
  evaluator?: Evaluator;
  data?: FewShotData;
  classes?: number[];
  inputsPerClass?: number;
  outputsPerInput?: number;
}

const KNOWN = ['methods', 'seeds', 'out', 'evaluator', 'data', 'classes', 'inputsPerClass', 'outputsPerInput'];

async function classContext(ev: Evaluator, data: FewShotData, classId: number, k: number): Promise<ClassContext> {
  const inp = await data.inputs(classId, k);
  const ref = await data.reference(classId, k);
  return {
    classId,
    recognisable: data.recognisable,
    side: inp.side,
    inputs: inp.images,
    inputFeatures: ev.embed(inp.images),
    referenceFeatures: ev.embed(ref.images),
  };
}

export async function runFewShotEval(opts: FewShotEvalOptions): Promise<FewShotReport> {
  checkOptions('runFewShotEval(opts)', opts, KNOWN);
  const report = await ready();
  const t0 = Date.now();
  const { seeds = [0], classes = [...UNSEEN_CLASSES], inputsPerClass: k = 16, outputsPerInput: m = 8 } = opts;
  if (!Array.isArray(seeds) || !seeds.length || !seeds.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw new ConfigError('runFewShotEval(seeds)', {
      expected: 'a non-empty list of whole numbers ≥ 0',
      received: Array.isArray(seeds) ? `[${seeds.join(', ')}]` : describe(seeds),
      hint: 'For example seeds: [0, 1] (`--seeds 0,1`).',
    });
  }
  if (!Number.isInteger(k) || k < 1 || k > FEW_SHOT_INPUTS) {
    throw new ConfigError('runFewShotEval(inputsPerClass)', {
      expected: `a whole number in [1, ${FEW_SHOT_INPUTS}] (the protocol has ${FEW_SHOT_INPUTS} inputs per unseen class)`,
      received: describe(k),
      hint: `For example --inputs ${FEW_SHOT_INPUTS}.`,
    });
  }
  if (!Number.isInteger(m) || m < 1 || m > 4096)
    throw new ConfigError('runFewShotEval(outputsPerInput)', { expected: 'a whole number in [1, 4096]', received: describe(m) });
  const methods = resolveMethods(opts.methods);
  const ownEvaluator = !opts.evaluator;
  const ev = opts.evaluator ?? (await Evaluator.load());
  const data = opts.data ?? defaultFewShotData();
  try {
    const contexts: ClassContext[] = [];
    const refCounts: Record<string, number> = {};
    for (const c of classes) {
      const ctx = await classContext(ev, data, c, k);
      contexts.push(ctx);
      refCounts[c] = ctx.referenceFeatures.rows;
    }
    const bar = progress('eval fewshot', methods.length * seeds.length * classes.length);
    const results: FewShotMethodResult[] = [];
    for (const method of methods) {
      const perSeed: FewShotMethodResult['perSeed'] = [];
      for (const seed of seeds) {
        const ts = Date.now();
        const perClass: Record<string, FewShotScores> = {};
        for (const ctx of contexts) {
          const out = await method.run({
            inputs: ctx.inputs,
            count: ctx.inputFeatures.rows,
            side: ctx.side,
            outputsPerInput: m,
            classId: ctx.classId,
            seed: mixSeed(seed, ctx.classId),
            runSeed: seed,
          });
          const expected = ctx.inputFeatures.rows * m * ctx.side * ctx.side;
          if (!(out instanceof Float32Array) || out.length !== expected) {
            throw new ShapeError(`runFewShotEval(method '${method.name}')`, {
              expected: `a Float32Array of ${ctx.inputFeatures.rows}×${m} images (${expected} values)`,
              received: describe(out),
            });
          }
          perClass[ctx.classId] = scoreClass(ev, ctx, out, m);
          bar.tick(1, { method: method.name, seed });
        }
        perSeed.push({ seed, seconds: (Date.now() - ts) / 1000, perClass, mean: meanScores(Object.values(perClass)) });
      }
      const means = perSeed.map((s) => s.mean);
      results.push({ name: method.name, perSeed, mean: meanScores(means), std: stdScores(means) });
    }
    bar.done();
    const r: FewShotReport = {
      protocol: 'fewshot',
      data: data.name ?? 'fashion-mnist:T',
      commit: gitCommit(),
      backend: report.chosen ?? tf.getBackend(),
      seeds,
      classes,
      // what actually ran: a class with fewer inputs than asked contributes what it has
      inputsPerClass: Math.min(...contexts.map((c) => c.inputFeatures.rows)),
      outputsPerInput: m,
      n: { generatedPerClass: Math.min(...contexts.map((c) => c.inputFeatures.rows)) * m, reference: refCounts },
      evaluator: { hash: ev.meta.hash as string | undefined, testAccuracy: ev.meta.testAccuracy },
      startedAt: new Date(t0).toISOString(),
      wallSeconds: (Date.now() - t0) / 1000,
      methods: results,
    };
    if (opts.out) await writeFewShotReport(opts.out, r);
    return r;
  } finally {
    if (ownEvaluator) ev.dispose();
  }
}
