/**
 * Where `npm start` / `npm run dev` put things, from the environment (defaults in brackets):
 * WEB_PORT [8080] for the UI and API on one origin, API_PORT [3000] for task-service,
 * DYNAMODB_PORT [8000] for the embedded dynalite, DATA_DIR [.data] for its data
 * (in DATA_DIR/dynamodb). End-to-end tests set them to run a private instance.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readInteger, readString, type Env } from '@task-manager/task-store';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalConfig {
  webPort: number;
  apiPort: number;
  dynamoPort: number;
  /** Absolute path of dynalite's LevelDB directory. */
  dynamoDataDir: string;
}

export function loadLocalConfig(env: Env): LocalConfig {
  const port = (name: string, fallback: number) =>
    readInteger(env, name, fallback, { min: 1, max: 65_535 });
  const config = {
    webPort: port('WEB_PORT', 8080),
    apiPort: port('API_PORT', 3000),
    dynamoPort: port('DYNAMODB_PORT', 8000),
    dynamoDataDir: resolve(REPO_ROOT, readString(env, 'DATA_DIR', '.data'), 'dynamodb'),
  };
  const ports = [config.webPort, config.apiPort, config.dynamoPort];
  if (new Set(ports).size !== ports.length) {
    throw new ConfigError(
      `WEB_PORT, API_PORT and DYNAMODB_PORT must differ, got ${ports.join(', ')}`,
    );
  }
  return config;
}
