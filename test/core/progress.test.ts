import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progress, quietly, setProgressSink } from '../../sdk/core/progress';

test('quietly(run) silences progress while run runs, also when it throws; reports come back after', async () => {
  const env = process.env.HYPNEST_PROGRESS;
  delete process.env.HYPNEST_PROGRESS;
  const started: string[] = [];
  setProgressSink({
    start: (label) => {
      started.push(label);
      return { tick() {}, done() {} };
    },
  });
  try {
    await quietly(async () => {
      progress('inside', 3).done();
      await quietly(() => progress('nested', 1).done());
      progress('still inside', 1).done();
    });
    await quietly(() => {
      throw new Error('boom');
    }).catch(() => undefined);
    progress('after', 2).done();
    assert.equal(started, ['after']);
  } finally {
    setProgressSink(undefined);
    if (env !== undefined) process.env.HYPNEST_PROGRESS = env;
  }
});

test.run();
