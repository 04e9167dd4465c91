/**
 * HTTP from the host to the published container ports, and the kubelet-style probe loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs?: number;
}

export async function request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

export function parseJson<T>(response: HttpResponse): T {
  try {
    return JSON.parse(response.body) as T;
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${response.body.slice(0, 200)}`);
  }
}

export interface ProbeOptions {
  periodMs: number;
  /** Per-attempt timeout, like a probe's timeoutSeconds. */
  timeoutMs: number;
  failureThreshold: number;
}

/** Probes `url` until it answers 200, as the kubelet does; the seconds it took. */
export async function probeUntilOk(url: string, probe: ProbeOptions): Promise<number> {
  const started = performance.now();
  let last = 'no answer';
  for (let attempt = 1; attempt <= probe.failureThreshold; attempt += 1) {
    try {
      const response = await request(url, { timeoutMs: probe.timeoutMs });
      if (response.status === 200) return (performance.now() - started) / 1000;
      last = `${response.status} ${response.body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(probe.periodMs);
  }
  throw new Error(`${url} not 200 after ${probe.failureThreshold} probes; last: ${last}`);
}
