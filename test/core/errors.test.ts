import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, checkOptions, nearest, ShapeError, describe as describeValue } from '../../sdk/core/errors';

test('error message names where, expected, received and hint', () => {
  const e = new ShapeError('expmap0(u)', { expected: 'a tensor of rank ≥ 1', received: 'a scalar', hint: 'Add a batch dimension.' });
  assert.instance(e, Error);
  assert.is(e.name, 'ShapeError');
  assert.is(e.message, 'expmap0(u): expected a tensor of rank ≥ 1, received a scalar. Add a batch dimension.');
});

test('misspelled option suggests the nearest known one', () => {
  assert.is(nearest('sed', ['seed', 'steps']), 'seed');
  assert.is(nearest('zzzzzz', ['seed', 'steps']), undefined);
  assert.throws(
    () => checkOptions('perturb', { sed: 1 }, ['seed']),
    (e: unknown) => e instanceof ConfigError && /Did you mean 'seed'/.test((e as Error).message),
  );
  checkOptions('perturb', { seed: 1 }, ['seed']);
});

test('describe prints values briefly', () => {
  assert.is(describeValue(NaN), 'NaN');
  assert.is(describeValue([1, 2]), 'an array of length 2');
  assert.is(describeValue({ shape: [2, 3], dtype: 'float32' }), 'a float32 tensor of shape [2, 3]');
});

test.run();
