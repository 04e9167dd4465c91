/**
 * bench:api's ceiling for the list: the page GET /api/tasks?limit=N answers, read by the code the
 * service runs (TaskRepository.list) and written as the same JSON, behind a bare node:http server:
 * no Express, no middleware, no token check, no log line. Whatever an HTTP API around this Query
 * costs beyond it, this process does not pay. Prints {"url": ...} once listening.
 */
import { createServer } from 'node:http';
import { createDynamoClients, loadDynamoConfig, TaskRepository } from '@task-manager/task-store';

const user = process.env.BENCH_LIST_USER;
if (!user) throw new Error('BENCH_LIST_USER is not set');
const config = loadDynamoConfig(process.env);
const tasks = new TaskRepository(createDynamoClients(config).doc, config.tasksTable);

const server = createServer((request, response) => {
  const limit = Number(new URL(request.url ?? '/', 'http://bench').searchParams.get('limit'));
  tasks.list(user, { limit }).then(
    (page) => {
      const body = { items: page.items.map((record) => record.task), nextCursor: page.nextCursor };
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    },
    (error: unknown) => response.writeHead(500).end(String(error)),
  );
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
