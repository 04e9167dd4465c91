/**
 * Checks real responses against openapi.yaml: the status must be documented for the
 * operation, required headers present and valid, the media type documented, and the body
 * valid against its JSON Schema (OpenAPI 3.1 schemas are JSON Schema 2020-12, so ajv's 2020
 * validator reads them as they are).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

export const OPENAPI_PATH = new URL('../../openapi.yaml', import.meta.url);

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

  constructor(document: Json = parse(readFileSync(OPENAPI_PATH, 'utf8')) as Json) {
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
    const target = ref.slice(1);
    let current: unknown = this.document;
    for (const segment of target.split('/').slice(1)) {
      current = (current as Json)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
    }
    if (current === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return this.#resolve(current as Json, target);
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

  /** Everything wrong with this response according to the document ([] when it conforms). */
  problems(method: string, url: string, response: ObservedResponse): string[] {
    const path = new URL(url, 'http://localhost').pathname;
    const match = this.#templates.find(({ pattern }) => pattern.test(path));
    if (!match) return [`${path} is not a documented path`];
    const operation = this.#paths()[match.template]![method.toLowerCase()] as Json | undefined;
    if (!operation) return [`${method} ${match.template} is not a documented operation`];
    const key = `${method.toUpperCase()} ${match.template} ${response.status}`;
    this.observed.add(key);
    const responses = operation.responses as Record<string, Json>;
    const documented = responses[String(response.status)];
    if (!documented) return [`${key}: status ${response.status} is not documented`];
    const base = `/paths/${pointerEscape(match.template)}/${method.toLowerCase()}/responses/${response.status}`;
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
