import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status_code'>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  httpRequestsInFlight: Gauge;
}

/**
 * A registry per app rather than prom-client's global one, so several apps in one process
 * (tests) keep separate counts. Labelled by route pattern, never the raw path, so task ids
 * do not create one time series each.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames,
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, in seconds.',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    // Saturation: how many requests wait on this replica right now (a slow DynamoDB shows here
    // before it shows in the latencies, which are observed only when a request ends).
    httpRequestsInFlight: new Gauge({
      name: 'http_requests_in_flight',
      help: 'Requests received and not yet answered, the scrape that reads this one included.',
      registers: [registry],
    }),
  };
}
