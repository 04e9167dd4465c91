/**
 * Where `npm start` / `npm run dev` put things, from the environment (defaults in brackets):
 * WEB_PORT [8080] for the UI and API on one origin, API_PORT [3000] for task-service,
 * DYNAMODB_PORT [8000] for the embedded dynalite, IDP_PORT [9000] for the development identity
 * provider (issuer http://localhost:IDP_PORT), DATA_DIR [.data] for the data (DATA_DIR/dynamodb)
 * and the development secrets (DATA_DIR/secrets.json). End-to-end tests set them to run a
 * private instance.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** The app's address in the browser: http://localhost:WEB_PORT. */
  publicUrl: string;
}

export function loadLocalConfig(env: Env): LocalConfig {
  const port = (name: string, fallback: number) =>
    readInteger(env, name, fallback, { min: 1, max: 65_535 });
  const dataDir = resolve(REPO_ROOT, readString(env, 'DATA_DIR', '.data'));
  const webPort = port('WEB_PORT', 8080);
  const config = {
    webPort,
    apiPort: port('API_PORT', 3000),
    dynamoPort: port('DYNAMODB_PORT', 8000),
    identityPort: port('IDP_PORT', 9000),
    dataDir,
    dynamoDataDir: resolve(dataDir, 'dynamodb'),
    publicUrl: `http://localhost:${webPort}`,
  };
  const ports = [config.webPort, config.apiPort, config.dynamoPort, config.identityPort];
  if (new Set(ports).size !== ports.length) {
    throw new ConfigError(
      `WEB_PORT, API_PORT, DYNAMODB_PORT and IDP_PORT must differ, got ${ports.join(', ')}`,
    );
  }
  return config;
}
