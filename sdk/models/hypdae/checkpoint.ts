/**
 * Saving and loading HypDAE's two stages with core's checkpoint format (safetensors + json, atomic).
 *   stage I:  config { model: 'hypdae-stage1', stage1, sample },  tensors = the (EMA) parameters by name
 *   stage II: config { model: 'hypdae-stage2', codeDim, stage2, numClasses },  tensors = its parameters
 * Loading rebuilds the model from the stored config, checks every tensor name and shape, and (if the caller
 * passes one) checks the stored config against the expected HypdaeConfig.
 */
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint, loadCheckpoint } from '../../core/checkpoint';
import { CheckpointError, HypnestError, describe } from '../../core/errors';
import { Params, assignParams, disposeParams } from '../../nn/params';
import { HypdaeConfig, LabelSource, Space, Stage1Config, Stage2Config, SampleConfig, hypdaeConfig } from './config';
import { Stage1, createStage1 } from './stage1';
import { Stage2, createStage2 } from './stage2';

/** File name (without extension) of a stage II: the names `hypnest train hypdae` writes. */
export const stage2Name = (c: { stage2: { space: Space; labels: LabelSource } }): string => `stage2-${c.stage2.space}-${c.stage2.labels}`;

export interface Stage1Stored {
  model: 'hypdae-stage1';
  stage1: Stage1Config;
  sample: SampleConfig;
}
export interface Stage2Stored {
  model: 'hypdae-stage2';
  codeDim: number;
  stage2: Stage2Config;
  numClasses: number;
}

const stage1Stored = (c: HypdaeConfig): Stage1Stored => ({ model: 'hypdae-stage1', stage1: c.stage1, sample: c.sample });
const stage2Stored = (c: HypdaeConfig, numClasses: number): Stage2Stored => ({
  model: 'hypdae-stage2',
  codeDim: c.stage1.codeDim,
  stage2: c.stage2,
  numClasses,
});

/** Writes stage I (params: its own, or e.g. EMA weights with the same names). */
export async function saveStage1(path: string, s: Stage1, meta: object = {}, params: Params = s.params): Promise<string> {
  const { hash } = await saveCheckpoint(path, { config: stage1Stored(s.config), tensors: params, meta });
  return hash;
}

export async function saveStage2(path: string, s: Stage2, meta: object = {}): Promise<string> {
  const { hash } = await saveCheckpoint(path, { config: stage2Stored(s.config, s.numClasses), tensors: s.params, meta });
  return hash;
}

function check(path: string, got: { model?: unknown }, model: string): void {
  if (got?.model !== model) {
    throw new CheckpointError(`load(${path})`, {
      expected: `a '${model}' checkpoint`,
      received: `model ${describe(got?.model)}`,
      hint: 'Pass the stage-I file to loadStage1 and the stage-II file to loadStage2.',
    });
  }
}

/**
 * Builds the model from a loaded checkpoint and assigns its tensors; every tensor loaded or created is freed if
 * anything fails (a checkpoint of another model, a config that does not build, a missing or extra tensor).
 */
function build<M extends { params: Params }>(path: string, c: { tensors: Record<string, tf.Tensor> }, make: () => M): M {
  let m: M | undefined;
  try {
    try {
      m = make();
    } catch (e) {
      throw e instanceof HypnestError && !(e instanceof CheckpointError)
        ? new CheckpointError(`load(${path})`, {
            expected: 'a stored config that builds the model',
            received: e.message,
            hint: 'The json was edited or written by another version; save the checkpoint again.',
          })
        : e;
    }
    const extra = Object.keys(c.tensors).filter((k) => !(k in m!.params));
    if (extra.length)
      throw new CheckpointError(`load(${path})`, {
        expected: "only the model's tensors",
        received: `unexpected: ${extra.slice(0, 5).join(', ')}`,
      });
    assignParams(m.params, c.tensors, `load(${path})`);
    return m;
  } catch (e) {
    if (m) disposeParams(m.params);
    throw e;
  } finally {
    tf.dispose(Object.values(c.tensors));
  }
}

/** Loads stage I; with `expected`, its stage1/sample config must equal the stored one. */
export async function loadStage1(path: string, expected?: HypdaeConfig): Promise<{ stage1: Stage1; meta: object }> {
  const c = await loadCheckpoint(path, expected ? { config: stage1Stored(expected) } : {});
  const st = c.config as Stage1Stored;
  const s = build(path, c, () => {
    check(path, st, 'hypdae-stage1');
    return createStage1(hypdaeConfig({ stage1: st.stage1, sample: st.sample }));
  });
  return { stage1: s, meta: c.meta };
}

/** Loads stage II onto `config` (stage I's config; its stage2 part is replaced by the stored one). */
export async function loadStage2(path: string, config: HypdaeConfig, expected?: Stage2Config): Promise<{ stage2: Stage2; meta: object }> {
  const c = await loadCheckpoint(path);
  const st = c.config as Stage2Stored;
  const s = build(path, c, () => {
    check(path, st, 'hypdae-stage2');
    if (st.codeDim !== config.stage1.codeDim) {
      throw new CheckpointError(`loadStage2(${path})`, {
        expected: `codes of width ${config.stage1.codeDim} (the stage-I config)`,
        received: `codeDim ${st.codeDim}`,
      });
    }
    if (expected && JSON.stringify(expected) !== JSON.stringify(st.stage2)) {
      throw new CheckpointError(`loadStage2(${path})`, {
        expected: `stage2 ${JSON.stringify(expected)}`,
        received: JSON.stringify(st.stage2),
        hint: 'Load with the stored config, or retrain stage II.',
      });
    }
    return createStage2(hypdaeConfig({ stage1: config.stage1, sample: config.sample, stage2: st.stage2 }), st.numClasses);
  });
  return { stage2: s, meta: c.meta };
}
