/**
 * Typed errors. Every error says what was expected, what was received, and what to do.
 * The message is built from those three parts so it reads the same everywhere (SDK, CLI, notebook).
 */
export interface ErrorDetails {
  /** What the function needed. */
  expected: string;
  /** What it got (a short, printable description). */
  received: string;
  /** What the user can do about it. */
  hint?: string;
}

export class HypnestError extends Error {
  readonly expected: string;
  readonly received: string;
  readonly hint?: string;
  /** `where` names the function or argument, e.g. `expmap0(u)`. */
  constructor(where: string, details: ErrorDetails) {
    const hint = details.hint ? ` ${details.hint}` : '';
    super(`${where}: expected ${details.expected}, received ${details.received}.${hint}`);
    this.name = new.target.name;
    this.expected = details.expected;
    this.received = details.received;
    this.hint = details.hint;
  }
}

/** A tensor or array has the wrong rank, shape, channel count or size. */
export class ShapeError extends HypnestError {}
/** A value is outside its allowed range: NaN, infinity, a radius beyond the ball, a negative count. */
export class ValueError extends HypnestError {}
/** A configuration is invalid or an option is unknown (the hint suggests the nearest known one). */
export class ConfigError extends HypnestError {}
/** A checkpoint is missing, corrupt, or does not match its config. */
export class CheckpointError extends HypnestError {}
/** A data set or image is missing, truncated or corrupt. */
export class DataError extends HypnestError {}
/** No usable tensor backend, or a backend failed to start. */
export class BackendError extends HypnestError {}

/** Short printable description of any value, for `received`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const v = value as { shape?: unknown; dtype?: unknown; constructor?: { name?: string } };
  if (Array.isArray(v.shape)) return `a ${String(v.dtype ?? '')} tensor of shape [${v.shape.join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `a ${v.constructor?.name} of length ${(value as unknown as { length: number }).length}`;
  return typeof value === 'object' ? `an object (${v.constructor?.name ?? 'Object'})` : typeof value;
}

/** Levenshtein distance, for "did you mean" suggestions on misspelled options. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The known name nearest to `name`, if it is plausibly a typo of it. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Throws ConfigError for any key of `options` not in `known`, suggesting the nearest known key. */
export function checkOptions(where: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(where, {
      expected: `an options object ({ ${known
        .slice(0, 3)
        .map((k) => `${k}: …`)
        .join(', ')} }) or nothing`,
      received: describe(options),
      hint: 'Leave the argument out to use the defaults.',
    });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    throw new ConfigError(where, {
      expected: `one of the options ${known.map((k) => `'${k}'`).join(', ')}`,
      received: `unknown option '${key}'`,
      hint: near ? `Did you mean '${near}'?` : 'Remove it.',
    });
  }
}
