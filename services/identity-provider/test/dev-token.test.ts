import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CookieJar } from '../src/dev-token.ts';

const URL_A = new URL('http://localhost:9000/a');

function setting(...cookies: string[]): Response {
  const headers = new Headers();
  for (const cookie of cookies) headers.append('Set-Cookie', cookie);
  return new Response(null, { headers });
}

test('the cookie jar forgets a cookie as a browser does: Max-Age=0, a past Expires, an empty value', () => {
  const jar = new CookieJar();
  jar.store(URL_A, setting('a=1', 'b=2', 'c=3', 'd=4; Max-Age=60'));
  assert.equal(jar.header(URL_A), 'a=1; b=2; c=3; d=4');
  jar.store(
    URL_A,
    setting('a=1; Max-Age=0', 'b=2; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'c=; Path=/'),
  );
  assert.equal(jar.header(URL_A), 'd=4');
  // By host, whatever the port (as browsers keep them).
  assert.equal(jar.get(new URL('http://localhost:8080/'), 'd'), '4');
});
