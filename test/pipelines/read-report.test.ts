/** Reading the shipped reports back (as the notebooks do): readFewShotReport, readNestedReport, fewShotSeries. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assetPath } from '../../sdk/core/paths';
import { ConfigError } from '../../sdk/core/errors';
import { fewShotSeries, readFewShotReport, readNestedReport } from '../../sdk/pipelines/eval';
import { throwsTyped } from '../helpers/expect-error';

test('the shipped reports read back; a missing file is undefined; a file of another kind is a ConfigError', () => {
  const fewshot = readFewShotReport(assetPath('hypdae', 'eval-fewshot.json'))!;
  assert.ok(fewshot.methods.length > 0);
  const nested = readNestedReport(assetPath('nested', 'eval.json'))!;
  assert.ok(nested.rows.length > 0);
  assert.is(readFewShotReport(path.join(os.tmpdir(), 'no-such-report.json')), undefined);
  throwsTyped(() => readNestedReport(assetPath('hypdae', 'eval-fewshot.json')), ConfigError, "a 'rows' list");
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hypnest-report-')), 'bad.json');
  fs.writeFileSync(bad, '{ not json');
  throwsTyped(() => readFewShotReport(bad), ConfigError, 'a JSON report');
});

test('fewShotSeries groups methods by family, points sorted by decreasing radius, labelled R=…', () => {
  const report = readFewShotReport(assetPath('hypdae', 'eval-fewshot.json'))!;
  const series = fewShotSeries(report);
  const names = series.map((s) => s.name);
  assert.equal(names, [...new Set(report.methods.map((m) => m.name.split('@')[0]))]);
  const hyp = series.find((s) => s.name === 'hyperbolic')!;
  const radii = hyp.points.map((p) => Number(p.label!.slice(2)));
  assert.equal(
    radii,
    [...radii].sort((a, b) => b - a),
  );
  const at55 = report.methods.find((m) => m.name === 'hyperbolic@5.5')!;
  assert.equal(
    hyp.points.find((p) => p.label === 'R=5.5'),
    { fd: at55.mean.fd, diversity: at55.mean.diversity, label: 'R=5.5' },
  );
  assert.is(series.find((s) => s.name === 'copy')!.points[0].label, undefined);
});

test.run();
