/**
 * Parsers for numeric command-line options (commander's argParser). Each throws a ConfigError that names the
 * flag, what it takes and what it got, instead of letting NaN through (`--minutes soon` used to run unbounded).
 */
import { ConfigError } from './errors';

function bad(flag: string, expected: string, value: string, example: string): ConfigError {
  return new ConfigError(flag, { expected, received: JSON.stringify(value), hint: `For example: ${flag} ${example}.` });
}

/** The number a flag's text spells, if `ok` accepts it; else a ConfigError saying what the flag takes. */
function numberWhere(flag: string, value: string, ok: (v: number) => boolean, expected: string, example: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || !ok(v)) throw bad(flag, expected, value, example);
  return v;
}

/** An integer ≥ 1. */
export function positiveInt(flag: string, value: string, example = '20'): number {
  return numberWhere(flag, value, (v) => /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(v) && v >= 1, 'a whole number ≥ 1', example);
}

/** An integer ≥ 0 (a thread count, 0 = none). */
export function nonNegativeInt(flag: string, value: string, example = '2'): number {
  return numberWhere(flag, value, (v) => /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(v), 'a whole number ≥ 0', example);
}

/** A finite number > 0 (a duration, a step size). */
export function positiveNumber(flag: string, value: string): number {
  return numberWhere(flag, value, (v) => v > 0, 'a finite number > 0', '30');
}

/** A finite number ≥ 0 (an η). */
export function nonNegative(flag: string, value: string): number {
  return numberWhere(flag, value, (v) => v >= 0, 'a finite number ≥ 0', '1');
}

/** Any finite number (a guidance scale). */
export function finiteNumber(flag: string, value: string, example = '2'): number {
  return numberWhere(flag, value, () => true, 'a finite number', example);
}

/** A number in (0, 1] (a stochastic-encoding strength). */
export function unitStrength(flag: string, value: string): number {
  return numberWhere(flag, value, (v) => v > 0 && v <= 1, 'a number in (0, 1]', '0.6');
}

/** A number in (0, 1) (a decay, a probability). */
export function unitInterval(flag: string, value: string): number {
  return numberWhere(flag, value, (v) => v > 0 && v < 1, 'a number strictly between 0 and 1', '0.995');
}

/** One of a fixed set of words (a mode). */
export function oneOfWords<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw bad(flag, `one of ${allowed.join(', ')}`, value, allowed[0]);
  return value as T;
}

/** A comma-separated list of integers ≥ 0 (seeds). */
export function intList(flag: string, value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (!parts.length || parts.some((s) => !/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)))) {
    throw bad(flag, 'a comma-separated list of whole numbers ≥ 0', value, '0,1');
  }
  return parts.map(Number);
}

/** A comma-separated list of finite numbers ≥ 0 (variances). */
export function nonNegativeList(flag: string, value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '' || !Number.isFinite(Number(s)) || Number(s) < 0))
    throw bad(flag, 'a comma-separated list of finite numbers ≥ 0', value, '0,0.05');
  return parts.map(Number);
}
