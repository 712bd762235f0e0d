import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progress, quietly, setProgressSink, underOneBar } from '../../sdk/core/progress';
import { ConfigError } from '../../sdk/core/errors';
import { rejectsTyped } from '../helpers/expect-error';

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

test('underOneBar(label, jobs) runs the jobs in order under one bar, one tick each, with their own bars silenced', async () => {
  const env = process.env.HYPNEST_PROGRESS;
  delete process.env.HYPNEST_PROGRESS;
  const log: string[] = [];
  setProgressSink({
    start: (label, total) => {
      log.push(`start ${label} ${total}`);
      return { tick: () => void log.push(`tick ${label}`), done: () => void log.push(`done ${label}`) };
    },
  });
  try {
    const job = (v: number) => async () => {
      progress('inner', 3).tick(); // silenced: the job runs quietly
      return v * 10;
    };
    assert.equal(await underOneBar('outer', [job(1), job(2)]), [10, 20]);
    assert.equal(log, ['start outer 2', 'tick outer', 'tick outer', 'done outer']);
    await rejectsTyped(() => underOneBar('x', [42 as never]), ConfigError, 'underOneBar(jobs)', 'a list of functions');
  } finally {
    setProgressSink(undefined);
    if (env !== undefined) process.env.HYPNEST_PROGRESS = env;
  }
});

test.run();
