/**
 * Tracing for task-service and the report job, through OpenTelemetry, configured only by the
 * standard OTEL_* variables.
 *
 * Tracing is on when an OTLP endpoint is set (and OTEL_SDK_DISABLED is not true). When it is
 * off, no OpenTelemetry module is ever loaded: this module decides from the environment
 * alone, and inSpan / withoutTracing simply run their function. The SDK (sdk.ts) is imported
 * only when tracing is on, by startTracing, which each program's entry point awaits before
 * it imports anything the instrumentations patch (http, express, pino, the AWS SDK).
 *
 * The apps and task-store use this module instead of @opentelemetry/api for the same reason.
 */
import { readTracingSettings, TracingSettingsError } from './settings.ts';

export {
  readTracingSettings,
  TRACING_ENV_VARS,
  tracingSettingsProblems,
  type TracingSettings,
} from './settings.ts';

export type AttributeValue = string | number | boolean;
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

/** What code sees of the span it runs in (a no-op when tracing is off). */
export interface SpanHandle {
  setAttribute(key: string, value: AttributeValue): void;
  /** Marks the span as failed where the failure is handled rather than thrown. */
  setError(message: string): void;
}

export interface StartTracingOptions {
  /** service.name, unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names another. */
  serviceName: string;
  /** The program's package.json: its version becomes service.version. */
  packageJson: URL;
  /** Incoming requests whose path starts with one of these are not traced (probes, scrapes). */
  untracedPathPrefixes?: readonly string[];
  /** A header recorded on server spans as app.request.id (the response's, else the request's). */
  requestIdHeader?: string;
}

/** Where the SDK reports its own problems (failed exports, dropped spans). */
export type ProblemLog = (level: 'warn' | 'error', message: string) => void;

/** How the last spans left the process: all exported, export failed, or out of time. */
export type FlushOutcome = 'off' | 'flushed' | 'failed' | 'timed out';

/** The running SDK, as sdk.ts builds it. */
export interface TracingRuntime {
  inSpan<T>(name: string, attributes: Attributes, fn: (span: SpanHandle) => Promise<T>): Promise<T>;
  withoutTracing<T>(fn: () => T): T;
  reportProblemsTo(log: ProblemLog): void;
  shutdown(timeoutMs: number): Promise<Exclude<FlushOutcome, 'off'>>;
}

/**
 * The longest a program waits at exit for its last spans to be exported. It is part of the
 * Pods' stop budget (k8s/test checks terminationGracePeriodSeconds against it): a collector
 * that is down or slow costs at most this much, never the exit code.
 */
export const TRACES_FLUSH_TIMEOUT_MS = 3000;

const NO_SPAN: SpanHandle = { setAttribute: () => {}, setError: () => {} };

let runtime: TracingRuntime | undefined;

/**
 * Starts the SDK when the environment turns tracing on; returns whether it did. Invalid
 * settings leave tracing off: the program's own configuration check reports them and stops.
 */
export async function startTracing(options: StartTracingOptions): Promise<boolean> {
  if (runtime) throw new Error('tracing has already been started');
  let settings;
  try {
    settings = readTracingSettings(process.env);
  } catch (error) {
    if (error instanceof TracingSettingsError) return false;
    throw error;
  }
  if (!settings.enabled) return false;
  const { startSdk } = await import('./sdk.ts');
  runtime = startSdk(settings, options);
  return true;
}

/** Whether spans are being recorded in this process. */
export function tracingStarted(): boolean {
  return runtime !== undefined;
}

/**
 * Runs `fn` in a new span (a child of the active one), ended when `fn` settles; a thrown
 * error is recorded on it. When tracing is off it just runs `fn`.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: SpanHandle) => Promise<T>,
): Promise<T> {
  return runtime ? runtime.inSpan(name, attributes, fn) : fn(NO_SPAN);
}

/** Runs `fn` without recording spans for what it does (background checks). */
export function withoutTracing<T>(fn: () => T): T {
  return runtime ? runtime.withoutTracing(fn) : fn();
}

/** Sends the SDK's own warnings and errors to the program's log once it has one. */
export function reportTracingProblemsTo(log: ProblemLog): void {
  runtime?.reportProblemsTo(log);
}

/**
 * Exports the spans still queued and stops the SDK, waiting at most `timeoutMs`. Never
 * throws: whatever the collector does, the program exits as it would without tracing.
 */
export async function shutdownTracing(timeoutMs = TRACES_FLUSH_TIMEOUT_MS): Promise<FlushOutcome> {
  return runtime ? runtime.shutdown(timeoutMs) : 'off';
}
