import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { escapeHtml } from '../src/html.ts';

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

test('escapeHtml: no markup or attribute quote survives, and the text reads back unchanged', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", 'a', ';', '#') }),
      (text) => {
        const escaped = escapeHtml(text);
        assert.doesNotMatch(escaped, /[<>"']/);
        // Every & starts one of the entities, so decoding gives back exactly what was typed.
        assert.equal(
          escaped.replace(/&(amp|lt|gt|quot|#39);|&/g, (entity) => {
            assert.ok(entity in ENTITIES, `a bare & in ${escaped}`);
            return ENTITIES[entity]!;
          }),
          text,
        );
      },
    ),
  );
});
