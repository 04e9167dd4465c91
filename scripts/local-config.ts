/**
 * Where `npm start` / `npm run dev` put things, from the environment (defaults in brackets):
 * WEB_PORT [8080] for the UI and API on one origin, API_PORT [3000] for task-service,
 * DYNAMODB_PORT [8000] for the embedded dynalite, IDP_PORT [9000] for the development identity
 * provider (issuer http://localhost:IDP_PORT), DATA_DIR [.data] for the data (DATA_DIR/dynamodb)
 * and the development secrets (DATA_DIR/secrets.json). A port of 0 lets the system pick a free
 * one; the addresses npm start prints say which (appAddressesIn reads them back). End-to-end
 * tests run a private instance that way.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLogLevel } from '@task-manager/runtime';
import { ConfigError, readInteger, readString, type Env } from '@task-manager/task-store';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalConfig {
  webPort: number;
  apiPort: number;
  dynamoPort: number;
  identityPort: number;
  /** Absolute path of DATA_DIR. */
  dataDir: string;
  /** Absolute path of dynalite's LevelDB directory. */
  dynamoDataDir: string;
}

export function loadLocalConfig(env: Env): LocalConfig {
  const port = (name: string, fallback: number) =>
    readInteger(env, name, fallback, { min: 0, max: 65_535 });
  const dataDir = resolve(REPO_ROOT, readString(env, 'DATA_DIR', '.data'));
  const config = {
    webPort: port('WEB_PORT', 8080),
    apiPort: port('API_PORT', 3000),
    dynamoPort: port('DYNAMODB_PORT', 8000),
    identityPort: port('IDP_PORT', 9000),
    dataDir,
    dynamoDataDir: resolve(dataDir, 'dynamodb'),
  };
  const ports = [config.webPort, config.apiPort, config.dynamoPort, config.identityPort];
  const fixed = ports.filter((value) => value !== 0);
  if (new Set(fixed).size !== fixed.length) {
    throw new ConfigError(
      `WEB_PORT, API_PORT, DYNAMODB_PORT and IDP_PORT must differ (or be 0), got ${ports.join(', ')}`,
    );
  }
  // npm start learns the port task-service got from its "listening" line, logged at info.
  const logLevel = readLogLevel(env);
  if (config.apiPort === 0 && !['info', 'debug', 'trace'].includes(logLevel)) {
    throw new ConfigError(
      `API_PORT=0 needs LOG_LEVEL info, debug or trace (task-service says its port at info), got "${logLevel}"`,
    );
  }
  return config;
}

/** What npm start says when a port it was given is taken: which setting moves it. */
export function portInUse(variable: string, port: number, cause?: unknown): Error {
  return new Error(
    `port ${port} is in use: is another npm start running? Set ${variable} to use another port.`,
    { cause },
  );
}

/** A path as npm start shows it: from the repository root when inside it. */
export function shownPath(dir: string): string {
  const inRepo = relative(REPO_ROOT, dir);
  return inRepo.startsWith('..') ? dir : inRepo;
}
