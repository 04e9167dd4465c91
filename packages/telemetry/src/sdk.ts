/**
 * The OpenTelemetry SDK, set up from the validated settings. Imported only when tracing is
 * on (see index.ts), and before the modules it instruments are loaded.
 *
 * One BatchSpanProcessor with a bounded queue sits between the spans and the OTLP exporter:
 * ending a span only appends it to the queue, exports run in the background, and when the
 * queue is full new spans are dropped. A slow or unreachable collector therefore costs spans,
 * never a request's time, and never an exit code (shutdown waits a bounded time).
 */
import { readFileSync } from 'node:fs';
import { register as registerAsyncHooks } from 'node:module';
import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  SpanStatusCode,
  trace,
  type DiagLogger,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  suppressTracing,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import {
  register as registerSyncHooks,
  supportsSyncHooks,
} from 'import-in-the-middle/register-hooks.mjs';
import type {
  FlushOutcome,
  ProblemLog,
  SpanHandle,
  StartTracingOptions,
  TracingRuntime,
} from './index.ts';
import type { SamplerSettings, TracingSettings } from './settings.ts';

/**
 * The modules the instrumentations below patch. ES-module imports of them must pass through
 * import-in-the-middle to be patched; every other module loads untouched. (CommonJS loads
 * are patched through require-in-the-middle.) test/instrumented-modules.test.ts holds this
 * list to what the instrumentations really hook.
 */
export const INSTRUMENTED_MODULES = [
  'http',
  'https',
  'express',
  'pino',
  '@aws-sdk/middleware-stack',
  '@aws-sdk/smithy-client',
  '@smithy/core',
  '@smithy/middleware-stack',
  '@smithy/smithy-client',
];

/** The attribute a server span carries the request id in: X-Request-Id and trace id meet here. */
const REQUEST_ID_ATTRIBUTE = 'app.request.id';

function registerModuleHooks(): void {
  if (supportsSyncHooks()) {
    // In-thread hooks (module.registerHooks): no loader thread, no message round trips.
    registerSyncHooks({ include: INSTRUMENTED_MODULES });
  } else {
    registerAsyncHooks('import-in-the-middle/hook.mjs', import.meta.url, {
      data: { include: INSTRUMENTED_MODULES },
    });
  }
}

function createSampler({ name, ratio }: SamplerSettings): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

function packageVersion(packageJson: URL): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${packageJson.pathname} has no version`);
  return version;
}

function headerValue(value: number | string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value[0];
  return value === undefined ? undefined : String(value);
}

export function createInstrumentations(options: StartTracingOptions) {
  const untraced = options.untracedPathPrefixes ?? [];
  const requestIdHeader = options.requestIdHeader?.toLowerCase();
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) =>
        untraced.some((prefix) => (request.url ?? '').startsWith(prefix)),
      // The only outgoing HTTP calls are DynamoDB's, which the AWS SDK instrumentation already
      // records one span each, and the exporter's own. Wrapping them anyway cost a sixth of
      // tracing's CPU per request (measured with --cpu-prof under npm run bench:api).
      disableOutgoingRequestInstrumentation: true,
      ...(requestIdHeader === undefined
        ? {}
        : {
            // Called for server spans as their response closes: the response header is the id
            // the service settled on (the caller's, or one it generated).
            applyCustomAttributesOnSpan: (span, request, response) => {
              if (!('getHeader' in response) || !('headers' in request)) return;
              const id =
                headerValue(response.getHeader(requestIdHeader)) ??
                headerValue(request.headers[requestIdHeader]);
              if (id !== undefined) span.setAttribute(REQUEST_ID_ATTRIBUTE, id);
            },
          }),
    }),
    // The route names the server span ("GET /api/tasks/:taskId"); a span per middleware
    // would triple the spans of every request and tell nothing the logs do not.
    new ExpressInstrumentation({
      ignoreLayersType: [
        ExpressLayerType.MIDDLEWARE,
        ExpressLayerType.ROUTER,
        ExpressLayerType.REQUEST_HANDLER,
      ],
    }),
    // One client span per DynamoDB call (and nothing for the HTTP request inside it).
    new AwsInstrumentation({ suppressInternalInstrumentation: true }),
    // trace_id and span_id in every log line written inside a span; logs stay on stdout.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}

/**
 * Forwards the SDK's warnings and errors to the program's log. The same problem (a collector
 * that stays down) recurs with every export, so each kind is logged at most once a minute.
 */
function forwardingDiagLogger(log: ProblemLog): DiagLogger {
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  const forward =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]) => {
      const details = args.map((arg) => (arg instanceof Error ? arg.message : String(arg)));
      const text = ['tracing:', message, ...details].join(' ');
      const kind = `${level}:${message.replace(/\d+/g, 'N')}`;
      const now = Date.now();
      const previous = lastLogged.get(kind);
      if (previous && now - previous.at < 60_000) {
        previous.suppressed += 1;
        return;
      }
      const repeats = previous?.suppressed
        ? ` (${previous.suppressed} more since last logged)`
        : '';
      lastLogged.set(kind, { at: now, suppressed: 0 });
      log(level, `${text}${repeats}`);
    };
  const ignore = () => {};
  return {
    error: forward('error'),
    warn: forward('warn'),
    info: ignore,
    debug: ignore,
    verbose: ignore,
  };
}

export function startSdk(
  settings: Extract<TracingSettings, { enabled: true }>,
  options: StartTracingOptions,
): TracingRuntime {
  registerModuleHooks();
  const version = packageVersion(options.packageJson);

  // Code defaults first; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (where the manifests
  // put k8s.pod.name and k8s.namespace.name) override them.
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        [ATTR_SERVICE_VERSION]: version,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));

  // Both exporters read OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout, compression).
  const exporter =
    settings.protocol === 'http/json' ? new OtlpJsonExporter() : new OtlpProtobufExporter();
  const provider = new TracerProvider({
    resource,
    sampler: createSampler(settings.sampler),
    spanProcessors: [new BatchSpanProcessor({ exporter, ...settings.batch })],
  });

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: createInstrumentations(options),
  });

  const tracer = trace.getTracer(options.serviceName, version);
  let stopping: Promise<Exclude<FlushOutcome, 'off'>> | undefined;

  return {
    inSpan(name, attributes, fn) {
      return tracer.startActiveSpan(name, { attributes }, async (span) => {
        const handle: SpanHandle = {
          setAttribute: (key, value) => void span.setAttribute(key, value),
          setError: (message) => void span.setStatus({ code: SpanStatusCode.ERROR, message }),
        };
        try {
          return await fn(handle);
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          span.recordException(failure);
          span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
          throw error;
        } finally {
          span.end();
        }
      });
    },

    withoutTracing: (fn) => context.with(suppressTracing(context.active()), fn),

    reportProblemsTo(log) {
      diag.setLogger(forwardingDiagLogger(log), {
        logLevel: DiagLogLevel.WARN,
        suppressOverrideMessage: true,
      });
    },

    shutdown(timeoutMs) {
      stopping ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'timed out'>((resolve) => {
          timer = setTimeout(() => resolve('timed out'), timeoutMs);
        });
        const flushed = provider.shutdown().then(
          () => 'flushed' as const,
          () => 'failed' as const,
        );
        const outcome = await Promise.race([flushed, deadline]);
        clearTimeout(timer);
        return outcome;
      })();
      return stopping;
    },
  };
}
