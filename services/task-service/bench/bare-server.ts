/**
 * bench:api's bare server: what task-service does for its two measured requests, done by the
 * code the service runs, behind a bare node:http server: no Express, no middleware, no token
 * check, no log line.
 *   GET  /api/tasks?limit=N  the page the service answers (TaskRepository.list, the same JSON);
 *   POST /api/tasks          the task in the JSON body created (TaskRepository.create).
 * Whatever an HTTP API around these DynamoDB calls costs beyond them, this process does not pay:
 * its figures are the ceiling of the API's. Tracing is set up as task-service's entry point does
 * (src/main.ts: on when OTEL_EXPORTER_OTLP_ENDPOINT is set, before the traced modules load), so
 * tracing on against off here is what tracing costs a request with nothing else around it.
 * Lists BENCH_LIST_USER's tasks and creates BENCH_CREATE_USER's. Prints {"url": ...} once
 * listening.
 */
import { startTracing } from '@task-manager/telemetry';

const listUser = process.env.BENCH_LIST_USER;
const createUser = process.env.BENCH_CREATE_USER;
if (!listUser || !createUser) throw new Error('BENCH_LIST_USER and BENCH_CREATE_USER must be set');

await startTracing({
  serviceName: 'bench-bare-server',
  packageJson: new URL('../package.json', import.meta.url),
});
const { createServer } = await import('node:http');
const { text } = await import('node:stream/consumers');
const { createDynamoClients, loadDynamoConfig, TaskRepository } =
  await import('@task-manager/task-store');

const config = loadDynamoConfig(process.env);
const tasks = new TaskRepository(createDynamoClients(config).doc, config.tasksTable);

async function answer(method: string | undefined, url: string, body: () => Promise<string>) {
  if (method === 'POST') {
    const record = await tasks.create(createUser!, JSON.parse(await body()));
    return { status: 201, body: record.task };
  }
  const limit = Number(new URL(url, 'http://bench').searchParams.get('limit'));
  const page = await tasks.list(listUser!, { limit });
  return {
    status: 200,
    body: { items: page.items.map((record) => record.task), nextCursor: page.nextCursor },
  };
}

const server = createServer((request, response) => {
  answer(request.method, request.url ?? '/', () => text(request)).then(
    ({ status, body }) =>
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body)),
    (error: unknown) => response.writeHead(500).end(String(error)),
  );
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
