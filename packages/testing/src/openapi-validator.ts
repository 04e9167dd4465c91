/**
 * The API's contract (services/task-service/openapi.yaml) as the tests and `npm run verify` read
 * it: real responses checked against it (the status must be documented for the operation,
 * required headers present and valid, the media type documented, and the body valid against its
 * JSON Schema; OpenAPI 3.1 schemas are JSON Schema 2020-12, so ajv's 2020 validator reads them as
 * they are), and its parts with every `$ref` resolved (`dereference`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { REPO_ROOT } from './builds.ts';

const OPENAPI_FILE = path.join(REPO_ROOT, 'services/task-service/openapi.yaml');

type Json = Record<string, unknown>;

export interface ObservedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body as text ('' for none). */
  text: string;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] as const;
const DOCUMENT_ID = 'https://task-manager.example/openapi.json';

function pointerEscape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export class OpenApiValidator {
  readonly document: Json;
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #templates: { template: string; pattern: RegExp }[];
  /** "GET /api/tasks/{taskId} 404" for every response checked. */
  readonly observed = new Set<string>();

  constructor(document: Json = parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json) {
    this.document = document;
    // strict: false because the document around the schemas has OpenAPI keywords.
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema({ ...document, $id: DOCUMENT_ID });
    this.#templates = Object.keys(this.#paths())
      // Literal paths win over templated ones that would also match.
      .sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')))
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }));
  }

  #paths(): Record<string, Json> {
    return this.document.paths as Record<string, Json>;
  }

  /** Every documented "METHOD template status". */
  documentedResponses(): string[] {
    const all: string[] = [];
    for (const [template, item] of Object.entries(this.#paths())) {
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined;
        if (!operation) continue;
        for (const status of Object.keys(operation.responses as Json)) {
          all.push(`${method.toUpperCase()} ${template} ${status}`);
        }
      }
    }
    return all;
  }

  /** Follows a local $ref; returns the target and its JSON pointer. */
  #resolve(value: Json, pointer: string): { value: Json; pointer: string } {
    const ref = value.$ref;
    if (typeof ref !== 'string') return { value, pointer };
    return this.#resolve(refTarget(this.document, ref), ref.slice(1));
  }

  #validator(pointer: string): ValidateFunction {
    let validate = this.#validators.get(pointer);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      this.#validators.set(pointer, validate);
    }
    return validate;
  }

  #schemaProblems(pointer: string, value: unknown, what: string): string[] {
    const validate = this.#validator(pointer);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${what}${error.instancePath} ${error.message ?? 'is invalid'}`,
    );
  }

  /** The path template `url` (a path, with any query) matches; its dot segments are the server's to judge. */
  #template(url: string): string | undefined {
    const path = url.split('?')[0]!;
    return this.#templates.find(({ pattern }) => pattern.test(path))?.template;
  }

  /** Whether the document describes the operation a `method` request to `url` calls. */
  documents(method: string, url: string): boolean {
    const template = this.#template(url);
    return template !== undefined && this.#paths()[template]![method.toLowerCase()] !== undefined;
  }

  /** Everything wrong with this response according to the document ([] when it conforms). */
  problems(method: string, url: string, response: ObservedResponse): string[] {
    const template = this.#template(url);
    if (!template) return [`${url.split('?')[0]} is not a documented path`];
    const operation = this.#paths()[template]![method.toLowerCase()] as Json | undefined;
    if (!operation) return [`${method} ${template} is not a documented operation`];
    const key = `${method.toUpperCase()} ${template} ${response.status}`;
    this.observed.add(key);
    const responses = operation.responses as Record<string, Json>;
    const documented = responses[String(response.status)];
    if (!documented) return [`${key}: status ${response.status} is not documented`];
    const base = `/paths/${pointerEscape(template)}/${method.toLowerCase()}/responses/${response.status}`;
    const { value: spec, pointer } = this.#resolve(documented, base);
    const problems: string[] = [];

    for (const [name, header] of Object.entries((spec.headers ?? {}) as Record<string, Json>)) {
      const resolved = this.#resolve(header, `${pointer}/headers/${pointerEscape(name)}`);
      const value = response.headers[name.toLowerCase()];
      if (value === undefined) {
        if (resolved.value.required === true) problems.push(`${key}: header ${name} is missing`);
        continue;
      }
      problems.push(
        ...this.#schemaProblems(`${resolved.pointer}/schema`, value, `${key}: header ${name}`),
      );
    }

    const content = spec.content as Record<string, Json> | undefined;
    if (!content) {
      if (response.text !== '') problems.push(`${key}: a body was sent where none is documented`);
      return problems;
    }
    const contentType = String(response.headers['content-type'] ?? '');
    const mediaType = contentType.split(';')[0]!.trim();
    if (!(mediaType in content)) {
      problems.push(`${key}: content type "${contentType}" is not documented`);
      return problems;
    }
    const schemaPointer = `${pointer}/content/${pointerEscape(mediaType)}/schema`;
    let body: unknown = response.text;
    if (mediaType === 'application/json') {
      try {
        body = JSON.parse(response.text);
      } catch {
        return [...problems, `${key}: the body is not JSON`];
      }
    }
    problems.push(...this.#schemaProblems(schemaPointer, body, `${key}: body`));
    return problems;
  }
}

/** What a local `$ref` ("#/components/schemas/Task") names in `document`. */
function refTarget(document: unknown, ref: string): Json {
  let current = document;
  for (const segment of ref.split('/').slice(1)) {
    current = (current as Json)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  if (current === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return current as Json;
}

/** `node`, a part of `document`, with every `$ref` in it replaced by what it names (local keys win). */
export function dereference<T>(document: unknown, node: unknown): T {
  if (Array.isArray(node)) return node.map((item) => dereference(document, item)) as T;
  if (typeof node !== 'object' || node === null) return node as T;
  const { $ref, ...rest } = node as Json;
  if (typeof $ref === 'string')
    return dereference(document, { ...refTarget(document, $ref), ...rest });
  return Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, dereference(document, value)]),
  ) as T;
}
