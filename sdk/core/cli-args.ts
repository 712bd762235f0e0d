/**
 * Parsers for numeric command-line options (commander's argParser). Each throws a ConfigError that names the
 * flag, what it takes and what it got, instead of letting NaN through (`--minutes soon` used to run unbounded).
 */
import { ConfigError } from './errors';

function bad(flag: string, expected: string, value: string, example: string): ConfigError {
  return new ConfigError(flag, { expected, received: JSON.stringify(value), hint: `For example: ${flag} ${example}.` });
}

/** An integer ≥ 1. */
export function positiveInt(flag: string, value: string, example = '20'): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v < 1) throw bad(flag, 'a whole number ≥ 1', value, example);
  return v;
}

/** An integer ≥ 0 (a thread count, 0 = none). */
export function nonNegativeInt(flag: string, value: string, example = '2'): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v)) throw bad(flag, 'a whole number ≥ 0', value, example);
  return v;
}

/** A finite number > 0 (a duration, a step size). */
export function positiveNumber(flag: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0) throw bad(flag, 'a finite number > 0', value, '30');
  return v;
}

/** A finite number ≥ 0 (an η). */
export function nonNegative(flag: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < 0) throw bad(flag, 'a finite number ≥ 0', value, '1');
  return v;
}

/** Any finite number (a guidance weight). */
export function finiteNumber(flag: string, value: string, example = '2'): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw bad(flag, 'a finite number', value, example);
  return v;
}

/** A number in (0, 1] (a stochastic-encoding strength). */
export function unitStrength(flag: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !(v > 0 && v <= 1)) throw bad(flag, 'a number in (0, 1]', value, '0.6');
  return v;
}

/** A number in (0, 1) (a decay, a probability). */
export function unitInterval(flag: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !(v > 0 && v < 1)) throw bad(flag, 'a number strictly between 0 and 1', value, '0.995');
  return v;
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
  if (parts.some((s) => s === '' || !Number.isFinite(Number(s)) || Number(s) < 0)) throw bad(flag, 'a comma-separated list of finite numbers ≥ 0', value, '0,0.05');
  return parts.map(Number);
}
