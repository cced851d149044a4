import { stringify } from 'csv-stringify/sync';

/**
 * Every CSV the bot writes (the only import of csv-stringify, which the linter enforces), with a
 * header row. Spreadsheets run a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
 * return (or their full-width forms) as a formula, and the cells hold what members typed: a
 * proposal's partner `=HYPERLINK("https://evil.example","click")` or details `+cmd|' /C calc'!A0`
 * would run on a moderator's computer. csv-stringify's `escape_formulas` puts an apostrophe in
 * front of such a cell (OWASP's advice), which spreadsheets show as text; numbers stay numbers.
 */
export function toCsv<C extends string>(rows: readonly Readonly<Record<C, string | number>>[], columns: readonly C[]): string {
  return stringify(rows as Record<C, string | number>[], { header: true, columns: [...columns], escape_formulas: true });
}
