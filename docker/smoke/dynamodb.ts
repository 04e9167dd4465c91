/**
 * The DynamoDB-compatible server on the test network (what LocalStack is in the local cluster),
 * and the tables, created the way the cluster creates them: by the init container's command.
 */
import { CREATE_TABLES_ENV_VARS } from '@task-manager/task-store';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { environmentFor } from './cluster-config.ts';
import { expectJsonLines } from './json-lines.ts';
import type { Container, Sandbox } from './sandbox.ts';
import { waitForOutput } from './wait.ts';

const HOST = 'dynamodb';
const PORT = 8000;

/** The endpoint the containers use, as the local overlay points them at LocalStack. */
export const dynamodbEndpoint = `http://${HOST}:${PORT}`;

/** The init containers' command (k8s/base: initContainers create-tables). */
export const createTablesCommand = ['node', 'packages/task-store/dist/bin/create-tables.js'];

export async function startDynamodb(sandbox: Sandbox, image: string): Promise<Container> {
  const container = await sandbox.start({
    role: 'dynamodb',
    image,
    alias: HOST,
    user: '1000:1000',
    command: [
      'node',
      'node_modules/dynalite/cli.js',
      '--port',
      String(PORT),
      // Tables are ACTIVE at once instead of after dynalite's simulated 500 ms.
      '--createTableMs',
      '0',
      '--updateTableMs',
      '0',
      '--deleteTableMs',
      '0',
    ],
  });
  await waitForOutput(container.name, /Dynalite listening/, 30_000);
  return container;
}

/** Runs create-tables from `image` with the init container's environment. */
export async function createTables(
  checks: Checks,
  sandbox: Sandbox,
  configMap: Readonly<Record<string, string>>,
  image: string,
  role: string,
): Promise<boolean> {
  return checks.check(`${image}: create-tables (init container command) exits 0`, async () => {
    const result = await sandbox.runToCompletion(
      {
        role,
        image,
        command: createTablesCommand,
        env: environmentFor(configMap, CREATE_TABLES_ENV_VARS, {
          DYNAMODB_ENDPOINT: dynamodbEndpoint,
        }),
      },
      60_000,
    );
    expect(result.code === 0, `exit code ${result.code}: ${result.stderr.trim()}`);
    return `${expectJsonLines(result.stdout)}: ${result.stdout.trim().split('\n').at(-1)}`;
  });
}
