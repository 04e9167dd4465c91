/**
 * npm run bench:startup — how long the built task-service takes from process start to ready,
 * against a bare `node -e` HTTP server measured in the same run. Figures only, no thresholds.
 */
import { measureStartup, startupSummary } from './checks/startup.ts';
import { buildIfStale } from './harness/build.ts';
import { killAllChildren } from './harness/children.ts';
import { createContext } from './harness/context.ts';
import { startDynamoServer } from './harness/dynamodb.ts';

const SAMPLES = Number(process.env.STARTUP_SAMPLES ?? 10);

process.on('exit', killAllChildren);
process.on('SIGINT', () => process.exit(130));

buildIfStale();
const dynamo = await startDynamoServer();
const context = await createContext(dynamo);
try {
  const figures = await measureStartup(context, SAMPLES);
  for (const line of startupSummary(figures)) console.log(line);
  console.log(`samples (ms): task-service ${figures.serviceMs.map(Math.round).join(' ')}`);
  console.log(`samples (ms): node -e       ${figures.baselineMs.map(Math.round).join(' ')}`);
} finally {
  await context.identity.close();
  await dynamo.close();
}
