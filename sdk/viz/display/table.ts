/**
 * `table(rows)`: an HTML table from plain records, for `show` (notebooks stop building tables as strings).
 * Columns are the keys of the first row unless given; numbers are printed with `digits` decimals (per column or
 * all), text is HTML-escaped, and a header or cell given as `{ html }` is kept as is.
 */
import { type HtmlContent, html } from './mime';

export type Cell = string | number | boolean | null | undefined | HtmlContent;

export interface TableOptions {
  /** Column keys, in order (default: the first row's keys). */
  columns?: readonly string[];
  /** Header text per key (default: the key). */
  headers?: Readonly<Record<string, string>>;
  /** Decimals of numbers: one for all, or per key (default: as JavaScript prints them). */
  digits?: number | Readonly<Record<string, number>>;
  /** A line above the table. */
  caption?: string;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function cell(v: Cell, digits: number | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return v.html;
  if (typeof v === 'number') return Number.isFinite(v) && digits !== undefined ? v.toFixed(digits) : Number.isFinite(v) ? String(v) : '—';
  return escape(String(v));
}

/** An HTML table of `rows` (one record per row). */
export function table(rows: readonly Readonly<Record<string, Cell>>[], o: TableOptions = {}): HtmlContent {
  const cols = o.columns ?? Object.keys(rows[0] ?? {});
  const digitsOf = (k: string) => (typeof o.digits === 'number' ? o.digits : o.digits?.[k]);
  const head = cols.map((k) => `<th>${escape(o.headers?.[k] ?? k)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cols.map((k) => `<td>${cell(r[k], digitsOf(k))}</td>`).join('')}</tr>`).join('');
  const caption = o.caption ? `<caption>${escape(o.caption)}</caption>` : '';
  return html(`<table>${caption}<tr>${head}</tr>${body}</table>`);
}
