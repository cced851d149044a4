/**
 * The name check of the partnership guidelines: the community's name is reproduced exactly
 * ("OpenTechSchool": one word, TitleCased). Finds the variants people write ("Open Tech
 * School", "Opentechschool", "open tech-school") and says where each one is and what the
 * exact form is. Generic: the variants come from the words of whatever name is configured.
 */

/** One misspelling: where it starts (1-based, counted in characters as a reader counts them), what was written. */
export interface NameFinding {
  /** 1-based line of the text. */
  readonly line: number;
  /** 1-based column in that line, in characters (code points). */
  readonly column: number;
  readonly found: string;
  readonly expected: string;
}

/** `OpenTechSchool` → Open, Tech, School; `Rails Girls` → Rails, Girls; `CoderDojo-Berlin` → Coder, Dojo, Berlin. */
export function nameWords(name: string): string[] {
  return name
    .split(/[^\p{L}\p{N}]+/u)
    .flatMap((part) => part.split(/(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u))
    .filter(Boolean);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Stretches of text the check leaves alone, blanked out with spaces of the same length so
 * positions stay right: code spans and blocks (`...`), URLs and e-mail addresses. Bare domains
 * and handles are told apart where a variant is found (see `isAddress`).
 */
const IGNORED = [/```[\s\S]*?```/g, /`[^`\n]*`/g, /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, /\bwww\.\S+/gi, /[^\s@]+@[^\s@]+\.[^\s@]+/g];

function blankIgnored(text: string): string {
  let out = text;
  for (const re of IGNORED) out = out.replace(re, (m) => m.replace(/[^\n]/g, ' '));
  return out;
}

/**
 * Whether a variant found without spaces is part of an address rather than a spelling of the
 * name: a handle (`@opentechschool`), a domain or a label of one (`opentechschool.berlin`,
 * `berlin.opentechschool.org`, whatever the top-level domain), or a dotted name written in
 * lower case as domains are (`open.tech.school`, since .school is a top-level domain).
 */
function isAddress(text: string, start: number, found: string): boolean {
  if (/\s/u.test(found)) return false;
  const before = text.slice(Math.max(0, start - 2), start);
  const after = text.slice(start + found.length, start + found.length + 2);
  if (before.endsWith('@') || /[\p{L}\p{N}-]\.$/u.test(before) || /^\.[\p{L}\p{N}]/u.test(after)) return true;
  return found.includes('.') && found === found.toLowerCase();
}

/**
 * Every place in `text` where the name is written other than exactly. Variants: the name's
 * words in any case, run together or separated by spaces, hyphens or underscores, or by single
 * dots (`Open.Tech.School`, `Open Tech.School`), and the plural (`Open Tech Schools`).
 * The exact form is never flagged, nor anything inside a longer word (`OpenTechSchoolBerlin`),
 * words on both sides of a sentence's end (`open. Tech school`), a URL, an address, a handle
 * or code.
 */
export function checkName(text: string, name: string): NameFinding[] {
  const words = nameWords(name);
  if (!words.length) return [];
  const separator = '(?:[ \\t\\u00a0_-]*|\\.)';
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.map(escape).join(separator)}s?(?![\\p{L}\\p{N}])`, 'giu');
  const findings: NameFinding[] = [];
  for (const m of blankIgnored(text).matchAll(pattern)) {
    const found = text.slice(m.index, m.index + m[0].length);
    if (found === name || isAddress(text, m.index, found)) continue;
    const before = text.slice(0, m.index);
    const lineStart = before.lastIndexOf('\n') + 1;
    findings.push({ line: before.split('\n').length, column: [...before.slice(lineStart)].length + 1, found, expected: name });
  }
  return findings;
}
