import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSigningKeys, parseSigningKeys } from '../src/keys.ts';

test('signing keys: a JWKS of private keys, each with a kid; anything else is refused', async () => {
  const generated = await generateSigningKeys();
  assert.deepEqual(parseSigningKeys(JSON.stringify(generated)), generated);
  // JSON leaves out what is undefined.
  const publicKey = { ...generated.keys[0]!, d: undefined };
  const withoutKid = { ...generated.keys[0]!, kid: undefined };
  for (const [json, message] of [
    ['not json', /not JSON/],
    ['{}', /must be a JWKS/],
    ['{"keys":[]}', /at least one key/],
    [JSON.stringify({ keys: [publicKey] }), /private part/],
    [JSON.stringify({ keys: [withoutKid] }), /"kid"/],
  ] as const) {
    assert.throws(() => parseSigningKeys(json), message, json.slice(0, 40));
  }
});
