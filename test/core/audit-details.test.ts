import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIT_DETAILS_MAX, encodeAuditDetails, renderAuditDetails } from '../../src/core/audit-details.js';
import { translator } from '../../src/core/i18n.js';

const en = translator('en');
const de = translator('de');

test('audit details stored as a key are shown in the reader’s language', () => {
  const stored = encodeAuditDetails({ key: 'audit.block', params: { id: 3, days: 1, reason: 'Spam' } });
  assert.equal(renderAuditDetails(stored, en), 'block #3 for a day: Spam');
  assert.equal(renderAuditDetails(stored, de), 'Sperre #3 für einen Tag: Spam');
  const many = encodeAuditDetails({ key: 'audit.block', params: { id: 3, days: 7, reason: 'Spam' } });
  assert.equal(renderAuditDetails(many, de), 'Sperre #3 für 7 Tage: Spam');
  assert.equal(renderAuditDetails(encodeAuditDetails({ key: 'audit.question.closed' }), de), 'von der Moderation geschlossen');
});

test('old plain-text details, and text that only looks like data, are shown as they were stored', () => {
  assert.equal(renderAuditDetails('closed by a moderator', de), 'closed by a moderator');
  assert.equal(renderAuditDetails('{"key":"audit.nope","params":{}}', de), '{"key":"audit.nope","params":{}}');
  assert.equal(renderAuditDetails('{"key":"help.title"}', de), '{"key":"help.title"}', 'only audit texts');
  assert.equal(renderAuditDetails('{"key": broken', de), '{"key": broken');
});

test('long parameters are cut so the stored JSON fits the column and still reads', () => {
  const stored = encodeAuditDetails({ key: 'audit.workshop.no_show_cleared', params: { reason: 'x'.repeat(2000) } });
  assert.ok(stored.length <= AUDIT_DETAILS_MAX, `${stored.length} characters`);
  assert.match(renderAuditDetails(stored, en), /^no-show cleared: x+…$/);
  assert.equal(encodeAuditDetails('y'.repeat(900)).length, AUDIT_DETAILS_MAX);
});
