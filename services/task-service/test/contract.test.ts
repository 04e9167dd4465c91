/**
 * The service serves its own contract: GET /api/openapi.yaml answers exactly what the zod
 * schemas and the description generate now (openapi/generate.ts), to anyone, as YAML.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { parse } from 'yaml';
import { startDynalite, type DynaliteServer } from '@task-manager/testing';
import { renderOpenApiYaml } from '../openapi/generate.ts';
import { createTestService, type TestService } from './support/test-service.ts';

let dynamo: DynaliteServer;
let service: TestService;
before(async () => {
  dynamo = await startDynalite();
  service = await createTestService(dynamo);
});
after(() => dynamo.stop());

test('GET /api/openapi.yaml serves the generated document, without credentials', async () => {
  const response = await request(service.app).get('/api/openapi.yaml').buffer(true);
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/yaml; charset=utf-8');
  const served = String(response.text);
  assert.ok(served === (await renderOpenApiYaml()), 'the served document is not the generated one');
  const document = parse(served) as { paths: Record<string, unknown> };
  assert.ok('/api/openapi.yaml' in document.paths, 'it describes itself');
});

test('HEAD answers its headers; other methods 405; query parameters 400 naming them', async () => {
  const head = await request(service.app).head('/api/openapi.yaml');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-type'], 'application/yaml; charset=utf-8');
  for (const method of ['post', 'put', 'patch', 'delete'] as const) {
    const response = await request(service.app)[method]('/api/openapi.yaml');
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.allow, 'GET, HEAD');
  }
  const query = await request(service.app).get('/api/openapi.yaml?format=json');
  assert.equal(query.status, 400);
  assert.deepEqual(
    (query.body as { details: { field: string }[] }).details.map((detail) => detail.field),
    ['format'],
  );
});
