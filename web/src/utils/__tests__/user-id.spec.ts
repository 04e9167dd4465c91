import { describe, expect, it } from 'vitest';
import { isValidUserId } from '../user-id';

describe('isValidUserId', () => {
  it('accepts the ids the API accepts', () => {
    for (const id of [
      'admin',
      'alice.smith',
      'bob_2',
      'carol@example.com',
      'a-b',
      'x'.repeat(64),
    ]) {
      expect(isValidUserId(id), id).toBe(true);
    }
  });

  it('rejects what the API answers with 401', () => {
    for (const id of [
      '',
      '.alice',
      '-bob',
      'has space',
      'ユーザー',
      'x'.repeat(65),
      'a/b',
      'a\n',
    ]) {
      expect(isValidUserId(id), JSON.stringify(id)).toBe(false);
    }
  });
});
