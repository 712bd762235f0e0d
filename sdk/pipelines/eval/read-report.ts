/**
 * Reading the shipped evaluation reports back (notebooks read them as they were written, and compute nothing):
 *   readFewShotReport(file)   `hypnest eval fewshot`'s .json, or undefined when the file does not exist
 *   readNestedReport(file)    `hypnest eval nested`'s .json, or undefined when the file does not exist
 *   fewShotSeries(report)     its methods as trade-off series: one per family ('hyperbolic@4.5' → family
 *                             'hyperbolic', point R=4.5), sorted by decreasing value, with ± sd when several seeds
 */
import * as fs from 'fs';
import { ConfigError, describe } from '../../core/errors';
import type { TradeoffSeries } from '../../viz/figures/tradeoff-curve';
import type { FewShotReport } from './report';
import type { UncondReport } from './unconditional';

export type { UncondReport, UncondRow } from './unconditional';

function readJson<T>(where: string, file: string, key: string): T | undefined {
  if (typeof file !== 'string') throw new ConfigError(where, { expected: 'a file path', received: describe(file) });
  if (!fs.existsSync(file)) return undefined;
  let r: unknown;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(where, {
      expected: 'a JSON report',
      received: `${file}: ${(e as Error).message}`,
      hint: 'Re-run the evaluation that wrote it.',
    });
  }
  if (r === null || typeof r !== 'object' || !Array.isArray((r as Record<string, unknown>)[key])) {
    throw new ConfigError(where, {
      expected: `a report with a '${key}' list`,
      received: file,
      hint: 'Pass the .json that the evaluation wrote.',
    });
  }
  return r as T;
}

export function readFewShotReport(file: string): FewShotReport | undefined {
  return readJson<FewShotReport>('readFewShotReport(file)', file, 'methods');
}

export function readNestedReport(file: string): UncondReport | undefined {
  return readJson<UncondReport>('readNestedReport(file)', file, 'rows');
}

/** The report's methods grouped into trade-off series (FD against diversity), for viz.tradeoffFigure. */
export function fewShotSeries(report: FewShotReport): TradeoffSeries[] {
  const multi = report.seeds.length > 1;
  const families = new Map<string, { value?: number; m: FewShotReport['methods'][number] }[]>();
  for (const m of report.methods) {
    const [family, v] = m.name.split('@');
    families.set(family, [...(families.get(family) ?? []), { value: v === undefined ? undefined : Number(v), m }]);
  }
  return [...families].map(([family, ms]) => ({
    name: family,
    points: [...ms]
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
      .map(({ value, m }) => ({
        fd: m.mean.fd,
        diversity: m.mean.diversity,
        ...(value !== undefined ? { label: family === 'stochastic' ? `s=${value}` : `R=${value}` } : {}),
        ...(multi ? { fdErr: m.std.fd, diversityErr: m.std.diversity } : {}),
      })),
  }));
}
