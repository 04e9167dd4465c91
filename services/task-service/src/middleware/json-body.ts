import express, { type Request, type RequestHandler } from 'express';
import { badRequest, HttpError } from '../http-errors.ts';

export const JSON_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The content codings a request body may be compressed with: what body-parser decodes on
 * Node.js 24 (zstd since Node's zlib has it). A 415 for any other names these in Accept-Encoding.
 */
export const REQUEST_CONTENT_CODINGS = ['gzip', 'deflate', 'br', 'zstd'] as const;

function bodyRequired(): HttpError {
  return badRequest('request body is required', [
    { field: 'body', message: 'must be a JSON object' },
  ]);
}

/** No body at all: neither chunked nor a non-zero Content-Length. */
function hasNoBody(req: Request): boolean {
  const length = req.get('Content-Length');
  return (
    req.get('Transfer-Encoding') === undefined && (length === undefined || Number(length) === 0)
  );
}

/**
 * The body of a write: present, declared as JSON, at most 64 KiB, and well-formed. Each
 * failure has its own status (400, 413, 415), decided before anything is stored.
 */
export function jsonBody(): RequestHandler[] {
  const parse = express.json({
    limit: JSON_BODY_LIMIT_BYTES,
    // Any JSON value parses, so `null`, `1` or `"text"` get validation's "must be a JSON
    // object", as `[]` does, instead of being called malformed JSON: they are well-formed.
    strict: false,
    // The content type is checked below, so a wrong one gets 415 rather than an empty body.
    type: () => true,
    // A chunked body can still turn out empty, which the parser would take for {}.
    verify: (_req, _res, buffer) => {
      if (buffer.length === 0) throw bodyRequired();
    },
  });
  const requireJson: RequestHandler = (req, _res, next) => {
    if (hasNoBody(req)) throw bodyRequired();
    // application/json alone, as the contract says. Other JSON-based types mean more than JSON:
    // a JSON Patch (application/json-patch+json) is a list of operations, not the fields to set.
    if (!req.is('application/json')) {
      throw new HttpError(415, 'request body must be JSON', [
        {
          field: 'Content-Type',
          message: `must be application/json, got ${req.get('Content-Type') ?? 'none'}`,
        },
      ]);
    }
    next();
  };
  return [requireJson, parse];
}
