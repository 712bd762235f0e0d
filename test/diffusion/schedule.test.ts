import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ready } from '../../sdk/core/backend';
import { ConfigError, ValueError } from '../../sdk/core/errors';
import { cosineSchedule, linearSchedule, makeSchedule, respace, scaledLinearSchedule } from '../../sdk/diffusion';

test.before(async () => {
  await ready();
});

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const throwsType = (fn: () => unknown, type: Function, re?: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof type && (!re || re.test((e as Error).message)));

test('row 17: scaled-linear ᾱ[0], ᾱ[999]', () => {
  const s = scaledLinearSchedule(1000);
  close(s.alphasCumprod[0], 0.99915);
  close(s.alphasCumprod[999], 0.0046600985, 1e-8);
  assert.instance(s.alphasCumprod, Float64Array);
  close(s.betas[0], 0.00085);
  close(s.betas[999], 0.012);
});

test('row 18: 50 leading DDIM steps τ = 1, 21, …, 981 and their ᾱ', () => {
  const p = respace(scaledLinearSchedule(1000), 50);
  assert.equal(
    p.timesteps,
    Array.from({ length: 50 }, (_, i) => 1 + 20 * i),
  );
  close(p.alphasCumprod[0], 0.9982960278);
  close(p.alphasCumprod[49], 0.0057755001, 1e-8);
  close(p.alphasCumprod[47], 0.0091173098, 1e-8);
  close(p.alphasCumprodPrev[0], 0.99915);
  close(p.alphasCumprodPrev[10], p.alphasCumprod[9], 0);
  assert.is(String(p), 'Respacing(50 of 1000 steps, τ = 1, 21, 41, …, 981)');
});

test('row 19: linear ᾱ[999]', () => {
  close(linearSchedule(1000).alphasCumprod[999], 4.0358e-5, 1e-4);
});

test('cosine: ᾱ_t = f(t+1)/f(0) while β is below its clamp; ᾱ decreasing in (0, 1)', () => {
  const s = cosineSchedule(1000);
  const f = (u: number) => Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  for (const t of [0, 10, 500, 900]) close(s.alphasCumprod[t], f((t + 1) / 1000) / f(0), 1e-9);
  for (let t = 1; t < 1000; t++) assert.ok(s.alphasCumprod[t] < s.alphasCumprod[t - 1] && s.alphasCumprod[t] > 0);
  assert.ok(Math.max(...s.betas) <= 0.999);
});

test('any T: default betas scale by 1000/T, so the end noise level is comparable', () => {
  for (const T of [50, 100, 250, 4000]) {
    const lin = linearSchedule(T);
    close(lin.betas[T - 1], (0.02 * 1000) / T);
    assert.ok(lin.alphasCumprod[T - 1] < 1e-3, `T=${T}`);
    const cos = cosineSchedule(T);
    assert.is(cos.alphasCumprod.length, T);
  }
  const small = makeSchedule({ kind: 'linear', trainSteps: 10, betaStart: 0.1, betaEnd: 0.5 });
  close(small.betas[9], 0.5);
});

test('schedules are frozen, printable data; alphaBar checks its index', () => {
  const s = scaledLinearSchedule(1000);
  assert.ok(Object.isFrozen(s) && Object.isFrozen(s.config));
  assert.is(Reflect.set(s, 'T', 5), false);
  assert.is(Reflect.set(s.config, 'trainSteps', 5), false);
  assert.is(s.T, 1000);
  assert.is(String(s), 'Schedule(scaled-linear, T=1000, β 0.0008500→0.01200, ᾱ_0=0.99915, ᾱ_999=0.0046601)');
  assert.equal(JSON.parse(JSON.stringify(s)), {
    kind: 'scaled-linear',
    trainSteps: 1000,
    betaStart: 0.00085,
    betaEnd: 0.012,
    cosineOffset: 0.008,
    maxBeta: 0.999,
  });
  assert.is(s.alphaBar(999), s.alphasCumprod[999]);
  throwsType(() => s.alphaBar(1000), ValueError);
  throwsType(() => s.alphaBar(1.5), ValueError);
});

test('config errors are ConfigError naming the field', () => {
  throwsType(() => makeSchedule({ kind: 'quadratic' as 'linear', trainSteps: 100 }), ConfigError, /config\.kind/);
  throwsType(() => makeSchedule({ kind: 'linear', trainSteps: 1 }), ConfigError, /trainSteps/);
  throwsType(() => makeSchedule({ kind: 'linear', trainSteps: 10.5 }), ConfigError, /trainSteps/);
  throwsType(() => makeSchedule({ kind: 'linear', trainSteps: 10 }), ConfigError, /betaEnd/); // 0.02·100 ≥ 1
  throwsType(() => makeSchedule({ kind: 'linear', trainSteps: 100, betaStart: 0.1, betaEnd: 0.01 }), ConfigError, /betaEnd/);
  throwsType(() => makeSchedule({ kind: 'cosine', trainSteps: 100, maxBeta: 1 }), ConfigError, /maxBeta/);
  throwsType(() => makeSchedule({ kind: 'linear', trainStep: 100 } as never), ConfigError, /Did you mean 'trainSteps'/);
});

test('respacing: steps = T gives every timestep; bad steps/offset are ValueErrors', () => {
  const s = linearSchedule(100);
  const all = respace(s, 100);
  assert.equal(
    all.timesteps,
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.is(all.offset, 0);
  assert.equal(respace(s, 3).timesteps, [1, 34, 67]);
  assert.equal(respace(s, 3, { offset: 0 }).timesteps, [0, 33, 66]);
  throwsType(() => respace(s, 101), ValueError, /at most 100 steps/);
  throwsType(() => respace(s, 0), ValueError);
  throwsType(() => respace(s, 2.5), ValueError);
  throwsType(() => respace(s, 100, { offset: 1 }), ValueError, /offset/);
  throwsType(() => respace(s, 10, { ofset: 1 } as never), ConfigError, /Did you mean 'offset'/);
  assert.ok(Object.isFrozen(all.timesteps) && Object.isFrozen(all));
});

test.run();
