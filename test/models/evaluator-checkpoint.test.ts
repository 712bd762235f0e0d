// The shipped evaluator checkpoint (assets/evaluator): loads, is frozen, and classifies T at ≥ 90%.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, tf } from '../../sdk/core/backend';
import { splitT } from '../../sdk/data';
import { Evaluator, evaluatorParamCount } from '../../sdk/models/evaluator';

test.before(async () => {
  await ready();
});

test('shipped evaluator loads, is frozen, and its T accuracy is ≥ 90% on 3000 images', async () => {
  const ev = await Evaluator.load();
  assert.ok(Object.values(ev.params).every((v) => !v.trainable));
  assert.is(evaluatorParamCount(ev.params), 458570);
  const t = await splitT();
  const n = 3000;
  const p = t.images.length / t.labels.length;
  const before = tf.memory().numTensors;
  const acc = ev.accuracy(t.images.subarray(0, n * p), Array.from(t.labels).slice(0, n));
  assert.is(tf.memory().numTensors, before);
  assert.ok(acc >= 0.9, `T accuracy ${acc}`);
  ev.dispose();
});

test.run();
