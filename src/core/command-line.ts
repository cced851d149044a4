import { type Phrase, UserError } from './errors.js';

/**
 * The command-line grammar shared by the console and Slack's slash-command text:
 *
 *     /command [group] [subcommand] option:value option:"value with spaces" [free text]
 *
 * `\"` is a quote inside quotes and `\\` a backslash. Positions are 1-based columns, so an
 * error can point at the place that went wrong.
 */
export interface ParsedLine {
  /** The command and subcommand words, then any free words (`/workshop claim 3` → `3`). */
  readonly words: readonly { readonly text: string; readonly column: number }[];
  readonly options: readonly { readonly name: string; readonly value: string; readonly column: number }[];
}

/** A line that does not parse: the problem at a column, then the form a command line takes. */
export class LineParseError extends UserError {
  constructor(
    readonly column: number,
    readonly problem: Phrase,
  ) {
    super('error.parse.expected', { problems: problem });
  }
}

const OPTION_NAME = /^[a-z][a-z0-9-]*$/i;

export function parseCommandLine(line: string, startColumn = 1): ParsedLine {
  const words: { text: string; column: number }[] = [];
  const options: { name: string; value: string; column: number }[] = [];
  let i = 0;
  const col = (index: number): number => index + startColumn;
  const fail = (
    key: 'error.parse.not_command' | 'error.parse.unclosed_quote' | 'error.parse.empty_option',
    index: number,
    option = '',
  ): never => {
    throw new LineParseError(col(index), { key, params: { column: col(index), option } });
  };

  /** Reads a quoted string starting at the opening quote; returns its text and the index after it. */
  const quoted = (open: number): [string, number] => {
    let text = '';
    for (let j = open + 1; j < line.length; j++) {
      const ch = line[j]!;
      if (ch === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) {
        text += line[++j];
      } else if (ch === '"') {
        return [text, j + 1];
      } else {
        text += ch;
      }
    }
    return fail('error.parse.unclosed_quote', open);
  };
  const bare = (from: number): [string, number] => {
    let j = from;
    while (j < line.length && !/\s/.test(line[j]!)) j++;
    return [line.slice(from, j), j];
  };

  while (i < line.length) {
    if (/\s/.test(line[i]!)) {
      i++;
      continue;
    }
    const start = i;
    if (words.length === 0 && options.length === 0 && line[i] !== '/') fail('error.parse.not_command', i);
    if (line[i] === '"') {
      const [text, next] = quoted(i);
      words.push({ text, column: col(start) });
      i = next;
      continue;
    }
    const colon = line.indexOf(':', i);
    const name = colon > i ? line.slice(i, colon) : '';
    if (words.length > 0 && name && OPTION_NAME.test(name)) {
      const valueAt = colon + 1;
      if (line[valueAt] === '"') {
        const [value, next] = quoted(valueAt);
        options.push({ name: name.toLowerCase(), value, column: col(start) });
        i = next;
      } else {
        const [value, next] = bare(valueAt);
        if (!value) fail('error.parse.empty_option', start, name);
        options.push({ name: name.toLowerCase(), value, column: col(start) });
        i = next;
      }
      continue;
    }
    const [text, next] = bare(i);
    words.push({ text, column: col(start) });
    i = next;
  }
  if (words.length === 0) fail('error.parse.not_command', 0);
  return { words, options };
}
