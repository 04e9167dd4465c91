/**
 * The whole application on one machine, with no Docker and no cluster: embedded DynamoDB,
 * task-service, and the UI with the API under /api on one origin, as the Ingress serves
 * them in the cluster. Ctrl-C stops everything cleanly; a second Ctrl-C does not wait. Whatever
 * ends this process, its children end with it (lifeline.ts), and it ends when npm does.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ConfigError } from '@task-manager/task-store';
import { ensureBuilt } from '@task-manager/testing';
import { addressLines } from './app-addresses.ts';
import { holdDataDir } from './data-dir-lock.ts';
import { loadLocalConfig, shownPath } from './local-config.ts';
import { startLocalDynamo, type LocalDynamo } from './local-dynamodb.ts';
import { startLocalIdentity, type LocalIdentity } from './local-identity.ts';
import { startTaskServiceProcess } from './local-task-service.ts';
import { onParentGone } from './parent-watch.ts';
import { startWebPreview, type WebPreview } from './web-preview.ts';

export async function runLocalApp(options: { watch: boolean }): Promise<void> {
  let config;
  try {
    config = loadLocalConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`npm start: ${error.message}`);
    process.exit(1);
  }

  const children: ChildProcess[] = [];
  let dynamo: LocalDynamo | undefined;
  let identity: LocalIdentity | undefined;
  let web: WebPreview | undefined;
  let stopping = false;
  let stoppedAt = 0;
  // A stop during the UI's build stops the build, and waits for it to end.
  const building = new AbortController();
  let webBuild: Promise<unknown> = Promise.resolve();

  const stop = async (exitCode: number): Promise<never> => {
    stopping = true;
    building.abort();
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const child of running) child.kill('SIGTERM');
    await Promise.all([...running.map((child) => once(child, 'exit')), webBuild.catch(() => {})]);
    await web?.close();
    await identity?.provider.close();
    // Refuses new requests; dynalite handed each write to LevelDB before answering it, so the
    // exit that follows loses nothing that was answered.
    await dynamo?.server.stop();
    process.exit(exitCode);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    // One Ctrl-C can arrive twice (from the terminal, and forwarded by npm): only a signal
    // that comes noticeably later means "stop waiting".
    if (stopping && Date.now() - stoppedAt < 1000) return;
    if (stopping) {
      for (const child of children) child.kill('SIGKILL');
      process.exit(130);
    }
    console.log(`\n${signal}: stopping…`);
    stoppedAt = Date.now();
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // npm (or whatever started this) was killed: nobody would ever stop this app.
  onParentGone(() => {
    if (stopping) return;
    console.error('npm start: the process that started it is gone; stopping');
    void stop(1);
  });
  // Whatever happens, no child outlives this process.
  process.on('exit', () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  try {
    // Before anything in DATA_DIR is read or opened: one npm start per directory.
    await holdDataDir(config.dataDir);
    dynamo = await startLocalDynamo({
      port: config.dynamoPort,
      dataDir: config.dynamoDataDir,
      env: process.env,
    });
    if (stopping) return;
    // The UI first: its address is the public URL the provider and task-service are given. It
    // is served built, as in the cluster: built first when missing or out of date, with what it
    // is built from (Vite's production build reads the contract's compiled dist/).
    webBuild = ensureBuilt(['@task-manager/web'], { log: console.log, signal: building.signal });
    await webBuild;
    if (stopping) return;
    web = await startWebPreview({ port: config.webPort });
    if (stopping) return;
    identity = await startLocalIdentity({
      port: config.identityPort,
      publicUrl: web.origin,
      dataDir: config.dataDir,
    });
    if (stopping) return;
    const api = await startTaskServiceProcess({
      port: config.apiPort,
      dynamoEnv: dynamo.env,
      identityEnv: identity.env,
      watch: options.watch,
      env: process.env,
      onListening: web.routeApiTo,
      // Stopped with the rest even before it is up (a failed first start under --watch leaves
      // node's watcher running, waiting for a change).
      onSpawn: (child) => children.push(child),
    });
    if (stopping) return;
    // task-service stopping by itself (a crash) ends the app: a half-running app misleads.
    void api.exited.then((how) => {
      if (!stopping) {
        console.error(`task-service exited ${how}; stopping`);
        void stop(1);
      }
    });

    console.log(
      [
        '',
        `task-manager is running${options.watch ? ' (task-service restarts on source changes)' : ''}:`,
        ...addressLines(
          {
            origin: web.origin,
            taskService: api.origin,
            dynamoEndpoint: dynamo.server.endpoint,
            issuer: identity.provider.issuer,
          },
          shownPath(config.dynamoDataDir),
        ),
        'Sign in as "admin" to see the reports; `npm run token -- <name>` prints an API token.',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    if (stopping) return;
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}
