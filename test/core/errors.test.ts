import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import type { ProposalStatus } from '../../entities/PartnershipProposal.js';
import type { SignupRole } from '../../entities/WorkshopSignup.js';
import { PostFailedError, say, UserError } from '../../src/core/errors.js';
import { translator } from '../../src/core/i18n.js';
import { de } from '../../src/i18n/de.js';
import { en } from '../../src/i18n/en.js';
import type { LicenseVerdict } from '../../src/services/materials.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * What each expression inside a template key (`workshop.${role}.twice`) can be. The compiler
 * checks each list against the type it stands for: a value added to the type must be added here.
 */
const VALUES: Record<string, readonly string[]> = {
  role: Object.keys({ coach: true, learner: true } satisfies Record<SignupRole, true>),
  'verdict.reason': Object.keys({ nc: true, nd: true, nc_nd: true, closed: true, unknown: true } satisfies Record<
    Extract<LicenseVerdict, { open: false }>['reason'],
    true
  >),
  status: Object.keys({ proposed: true, approved: true, declined: true, unofficial: true, withdrawn: true, decided: true } satisfies Record<
    ProposalStatus | 'decided',
    true
  >),
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every key an expression can evaluate to: literals, templates over VALUES, both branches of a condition, a constant's values. */
function keysOf(node: ts.Expression, file: ts.SourceFile, where: string): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return keysOf(node.expression, file, where);
  if (ts.isConditionalExpression(node)) return [...keysOf(node.whenTrue, file, where), ...keysOf(node.whenFalse, file, where)];
  if (ts.isTemplateExpression(node)) {
    let keys = [node.head.text];
    for (const span of node.templateSpans) {
      const expression = span.expression.getText(file);
      const values = VALUES[expression];
      assert.ok(values, `${where}: add the values \${${expression}} can take to VALUES in this test`);
      keys = keys.flatMap((prefix) => values.map((value) => prefix + value + span.literal.text));
    }
    return keys;
  }
  // `NOT_FOUND[kind]`, `CHANNEL_ERRORS[code]`: every value of the constant, declared in the same file.
  const name = ts.isElementAccessExpression(node) ? node.expression.getText(file) : ts.isIdentifier(node) ? node.text : undefined;
  const declaration = name && findConstant(file, name);
  assert.ok(
    declaration,
    `${where}: cannot tell which keys ${node.getText(file)} can be; use a literal, a template or a constant of this file`,
  );
  if (ts.isObjectLiteralExpression(declaration)) {
    return declaration.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? keysOf(p.initializer, file, where) : []));
  }
  return keysOf(declaration, file, where);
}

function findConstant(file: ts.SourceFile, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) {
      let init = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      found = init;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The keys a UserError is built with: its first argument, and the `key` of every nested phrase among its arguments. */
function usedKeys(): { key: string; where: string }[] {
  const used: { key: string; where: string }[] = [];
  for (const path of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'commands'))]) {
    const text = readFileSync(path, 'utf8');
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const at = (node: ts.Node) => `${relative(ROOT, path)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
    const collect = (args: readonly ts.Expression[], node: ts.Node): void => {
      const where = at(node);
      for (const key of keysOf(args[0]!, file, where)) used.push({ key, where });
      const nested = (n: ts.Node): void => {
        if (ts.isPropertyAssignment(n) && n.name.getText(file) === 'key')
          for (const key of keysOf(n.initializer, file, where)) used.push({ key, where });
        ts.forEachChild(n, nested);
      };
      args.slice(1).forEach(nested);
    };
    const visit = (node: ts.Node, inSubclass: boolean): void => {
      if (ts.isNewExpression(node) && node.expression.getText(file) === 'UserError' && node.arguments?.length)
        collect(node.arguments, node);
      // A subclass names its key in its constructor (PostFailedError, LineParseError).
      if (inSubclass && ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) collect(node.arguments, node);
      const subclass =
        ts.isClassDeclaration(node) && !!node.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText(file) === 'UserError'));
      ts.forEachChild(node, (child) => visit(child, inSubclass || subclass));
    };
    visit(file, false);
  }
  return used;
}

test('every key a UserError is built with, in src/ and commands/, is in the English and the German catalogue', () => {
  const used = usedKeys();
  // The scan itself works: it sees plain, conditional, template, constant and nested keys.
  const seen = new Set(used.map((u) => u.key));
  for (const key of [
    'workshop.not_found',
    'chapter.duplicate.where',
    'workshop.learner.other_role',
    'materials.license.nc_nd',
    'mod.block_not_found',
    'slack.error.not_in_channel',
    'partner.status.decided',
    'error.post_failed',
    'error.parse.expected',
    'error.option.unexpected_text',
  ]) {
    assert.ok(seen.has(key), `the scan finds ${key}`);
  }
  assert.ok(used.length > 100, `only ${used.length} keys found`);
  const missing = used
    .filter(({ key }) => !(key in en) || !(key in de))
    .map(({ key, where }) => `${where}: ${key} (${key in en ? 'German' : 'English'})`);
  assert.deepEqual(missing, [], `keys missing from a catalogue:\n${missing.join('\n')}`);
});

test('nested phrases and lists are said in the reader’s locale', () => {
  const closed = new UserError('partner.error.closed', { status: { key: 'partner.status.approved' } });
  assert.equal(say(translator('en'), closed), 'This proposal can no longer be changed: it is approved.');
  assert.equal(say(translator('de'), closed), 'Dieser Vorschlag kann nicht mehr geändert werden: er ist angenommen.');
  const usage = new UserError('error.usage', {
    problems: [{ key: 'error.option.missing', params: { option: 'name' } }, '\n', 'two'],
    usage: ['/chapter create name:<', { key: 'placeholder.timezone' }, '>'],
  });
  assert.equal(say(translator('de'), usage).split('\n').at(-1), 'Schreibe: /chapter create name:<IANA-Zone>');
});

test('a failed post is a UserError naming its channel', () => {
  const err = new PostFailedError('C42');
  assert.ok(err instanceof UserError);
  assert.equal(err.key, 'error.post_failed');
  assert.equal(err.channel, 'C42');
  assert.match(say(translator('en'), err), /in #C42,/);
});
