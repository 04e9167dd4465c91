/**
 * Tracing settings, read from the standard OpenTelemetry environment variables only, and
 * validated like every other setting of the apps: a bad value is reported by name at start.
 *
 * This module imports nothing of OpenTelemetry: deciding that tracing is off must cost nothing.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every variable the tracing set-up reads (the exporters read the other OTEL_EXPORTER_OTLP_*
 * variables, such as headers and timeouts, themselves), for the apps' variable lists.
 */
export const TRACING_ENV_VARS = [
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_EXPORT_TIMEOUT',
] as const;

export const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface SamplerSettings {
  name: SamplerName;
  /** The share of new traces kept, for the traceidratio samplers. */
  ratio: number;
}

/** The batch span processor's limits (OTEL_BSP_*). */
export interface BatchSettings {
  /**
   * Spans waiting to be exported; once it is full, new spans are dropped rather than
   * making anybody wait. 2048 (the specification's default) holds a second of traffic at
   * 1000 requests/s (2 spans each: the server span and its DynamoDB call) while an export is
   * in flight, for a few MB at most: a slow collector loses spans, never memory or time.
   */
  maxQueueSize: number;
  /** Spans per export request; an export starts as soon as this many are waiting. */
  maxExportBatchSize: number;
  /** Longest a span waits before it is exported when traffic is light. */
  scheduledDelayMillis: number;
  /** Longest one export may take before it is abandoned. */
  exportTimeoutMillis: number;
}

export type TracingSettings =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      /** Where spans go: the traces endpoint, or the base endpoint the exporter appends /v1/traces to. */
      endpoint: string;
      protocol: Protocol;
      sampler: SamplerSettings;
      batch: BatchSettings;
    };

export class TracingSettingsError extends Error {
  override name = 'TracingSettingsError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.problems = problems;
  }
}

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the settings; throws a TracingSettingsError naming every bad variable. Values are
 * checked even when tracing is off, so a mistake is found before someone turns it on.
 */
export function readTracingSettings(env: Env): TracingSettings {
  const problems: string[] = [];
  const choose = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = present(env, name)?.toLowerCase() ?? fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return fallback;
  };
  const positiveInteger = (name: string, fallback: number): number => {
    const raw = present(env, name);
    if (raw === undefined) return fallback;
    if (/^\d+$/.test(raw) && Number(raw) > 0 && Number(raw) <= 1e9) return Number(raw);
    problems.push(`${name} must be a positive integer, got "${raw}"`);
    return fallback;
  };
  const url = (name: string): string | undefined => {
    const raw = present(env, name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return raw;
    } catch {
      // reported below
    }
    problems.push(`${name} must be an http(s) URL, got "${raw}"`);
    return undefined;
  };

  const disabled = choose('OTEL_SDK_DISABLED', ['false', 'true'], 'false') === 'true';
  const exporter = choose('OTEL_TRACES_EXPORTER', ['otlp', 'none'], 'otlp');
  const endpoint = url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? url('OTEL_EXPORTER_OTLP_ENDPOINT');
  const protocolVariable = present(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  // The specification's default for OTLP exporters. gRPC is left out on purpose: it would
  // add @grpc/grpc-js to the images for no gain over HTTP within a cluster.
  const protocol = choose(protocolVariable, PROTOCOLS, 'http/protobuf');
  const sampler = readSampler(env, problems, choose);
  const batch: BatchSettings = {
    maxQueueSize: positiveInteger('OTEL_BSP_MAX_QUEUE_SIZE', 2048),
    maxExportBatchSize: positiveInteger('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    scheduledDelayMillis: positiveInteger('OTEL_BSP_SCHEDULE_DELAY', 5000),
    exportTimeoutMillis: positiveInteger('OTEL_BSP_EXPORT_TIMEOUT', 30_000),
  };
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    problems.push(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE (${batch.maxExportBatchSize}) must not exceed OTEL_BSP_MAX_QUEUE_SIZE (${batch.maxQueueSize})`,
    );
  }
  problems.push(...resourceAttributeProblems(present(env, 'OTEL_RESOURCE_ATTRIBUTES')));

  if (problems.length > 0) throw new TracingSettingsError(problems);
  if (disabled) return { enabled: false, reason: 'OTEL_SDK_DISABLED is true' };
  if (exporter === 'none') return { enabled: false, reason: 'OTEL_TRACES_EXPORTER is none' };
  if (endpoint === undefined) {
    return { enabled: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT is set' };
  }
  return { enabled: true, endpoint, protocol, sampler, batch };
}

function readSampler(
  env: Env,
  problems: string[],
  choose: <T extends string>(name: string, allowed: readonly T[], fallback: T) => T,
): SamplerSettings {
  // parentbased_always_on, the specification's default: a caller's decision is honoured.
  const name = choose('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on');
  const raw = present(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (!name.endsWith('traceidratio') || raw === undefined) return { name, ratio: 1 };
  const ratio = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || ratio < 0 || ratio > 1) {
    problems.push(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "${raw}"`);
    return { name, ratio: 1 };
  }
  return { name, ratio };
}

/**
 * OTEL_RESOURCE_ATTRIBUTES is "key=value,key=value" with ',' and '=' percent-encoded. The
 * SDK silently drops the whole variable when one pair is malformed; here it is an error.
 */
function resourceAttributeProblems(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const problems: string[] = [];
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const parts = pair.split('=');
    let decoded = true;
    try {
      parts.forEach((part) => decodeURIComponent(part));
    } catch {
      decoded = false;
    }
    if (parts.length !== 2 || parts[0]!.trim() === '' || !decoded) {
      problems.push(
        `OTEL_RESOURCE_ATTRIBUTES must be comma-separated key=value pairs (percent-encode ',' and '=' in values), got "${pair}"`,
      );
    }
  }
  return problems;
}

/** The problems readTracingSettings would report, for the apps' configuration loaders. */
export function tracingSettingsProblems(env: Env): string[] {
  try {
    readTracingSettings(env);
    return [];
  } catch (error) {
    if (error instanceof TracingSettingsError) return [...error.problems];
    throw error;
  }
}
