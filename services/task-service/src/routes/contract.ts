import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { CONTRACT_FILE } from '../contract-file.ts';
import { methodNotAllowed } from '../middleware/errors.ts';
import { noQueryParameters } from '../middleware/no-query.ts';

export const CONTRACT_PATH = '/api/openapi.yaml';

/**
 * The API's contract as the running version has it (openapi.yaml, generated from the schemas
 * this service validates with), for clients and tools to read from the service itself. It is
 * read as the service starts: a build that lacks it fails to start rather than answer 404.
 */
export function contractRouter(): Router {
  const document = readFileSync(CONTRACT_FILE);
  const router = Router();
  router.get(CONTRACT_PATH, noQueryParameters, (_req, res) => {
    // RFC 9512's media type for YAML; the whole document is public, like the repository.
    res.type('application/yaml; charset=utf-8').send(document);
  });
  router.all(CONTRACT_PATH, methodNotAllowed(['GET', 'HEAD']));
  return router;
}
