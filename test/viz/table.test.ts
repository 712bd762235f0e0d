import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { html, table } from '../../sdk/viz';

test('table: columns from the first row, numbers with digits per column, text escaped, html cells kept, missing as —', () => {
  const t = table(
    [
      { name: 'a<b', fd: 21.917, n: 3 },
      { name: 'c', fd: NaN, n: undefined },
    ],
    { digits: { fd: 2 }, headers: { fd: 'FD ↓' } },
  );
  assert.is(
    t.html,
    '<table><tr><th>name</th><th>FD ↓</th><th>n</th></tr><tr><td>a&lt;b</td><td>21.92</td><td>3</td></tr><tr><td>c</td><td>—</td><td>—</td></tr></table>',
  );
  const u = table([{ x: 1.23456, y: html('<b>y</b>') }], { columns: ['y', 'x'], digits: 1, caption: 'c & d' });
  assert.is(u.html, '<table><caption>c &amp; d</caption><tr><th>y</th><th>x</th></tr><tr><td><b>y</b></td><td>1.2</td></tr></table>');
});

test.run();
