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
 * positions stay right: code spans and blocks (`...`), URLs, e-mail addresses and bare
 * domains (`opentechschool.org` is an address, not a spelling of the name).
 */
const IGNORED = [
  /```[\s\S]*?```/g,
  /`[^`\n]*`/g,
  /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi,
  /\bwww\.\S+/gi,
  /[^\s@]+@[^\s@]+\.[^\s@]+/g,
  /(?<![\p{L}\p{N}@.-])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:org|com|net|io|de|uk|eu|fr|be|nl|dev|app|info|school|tech)(?:\/\S*)?(?![\p{L}\p{N}])/giu,
];

function blankIgnored(text: string): string {
  let out = text;
  for (const re of IGNORED) out = out.replace(re, (m) => m.replace(/[^\n]/g, ' '));
  return out;
}

/**
 * Every place in `text` where the name is written other than exactly. Variants: the name's
 * words in any case, run together or separated by spaces, hyphens, underscores or dots.
 * The exact form is never flagged, nor anything inside a longer word (`OpenTechSchoolBerlin`),
 * a URL, an address or code.
 */
export function checkName(text: string, name: string): NameFinding[] {
  const words = nameWords(name);
  if (!words.length) return [];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.map(escape).join('[ \\t\\u00a0._-]*')}(?![\\p{L}\\p{N}])`, 'giu');
  const findings: NameFinding[] = [];
  for (const m of blankIgnored(text).matchAll(pattern)) {
    const found = text.slice(m.index, m.index + m[0].length);
    if (found === name) continue;
    const before = text.slice(0, m.index);
    const lineStart = before.lastIndexOf('\n') + 1;
    findings.push({ line: before.split('\n').length, column: [...before.slice(lineStart)].length + 1, found, expected: name });
  }
  return findings;
}
