/**
 * Where `npm start` puts things (scripts/local-config.ts), and the addresses it prints once they
 * are known (scripts/app-addresses.ts), which programs that start it read back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '@task-manager/task-store';
import { addressLines, appAddressesIn, type AppAddresses } from '../app-addresses.ts';
import { loadLocalConfig } from '../local-config.ts';

const ports = (env: Record<string, string>) => {
  const { webPort, apiPort, dynamoPort, identityPort } = loadLocalConfig(env);
  return [webPort, apiPort, dynamoPort, identityPort];
};

describe('npm start: ports', () => {
  test('defaults: the UI on 8080, task-service 3000, DynamoDB 8000, the provider 9000', () => {
    assert.deepEqual(ports({}), [8080, 3000, 8000, 9000]);
  });

  test('0 lets the system pick, for any number of them', () => {
    assert.deepEqual(
      ports({ WEB_PORT: '0', API_PORT: '0', DYNAMODB_PORT: '0', IDP_PORT: '0' }),
      [0, 0, 0, 0],
    );
    assert.deepEqual(ports({ WEB_PORT: '0', IDP_PORT: '0' }), [0, 3000, 8000, 0]);
  });

  test('two parts on one port, or a port out of range: an error naming the variables', () => {
    assert.throws(
      () => loadLocalConfig({ WEB_PORT: '3000' }),
      (error) => error instanceof ConfigError && /WEB_PORT, API_PORT/.test(error.message),
    );
    assert.throws(
      () => loadLocalConfig({ IDP_PORT: '65536' }),
      (error) => error instanceof ConfigError && error.message.includes('IDP_PORT'),
    );
  });

  test("API_PORT=0 needs task-service's info line, where it says the port it got", () => {
    assert.throws(
      () => loadLocalConfig({ API_PORT: '0', LOG_LEVEL: 'warn' }),
      (error) => error instanceof ConfigError && error.message.includes('LOG_LEVEL'),
    );
    assert.equal(loadLocalConfig({ API_PORT: '0', LOG_LEVEL: 'debug' }).apiPort, 0);
    assert.equal(loadLocalConfig({ API_PORT: '0', LOG_LEVEL: 'trace' }).apiPort, 0);
    assert.equal(loadLocalConfig({ API_PORT: '3001', LOG_LEVEL: 'warn' }).apiPort, 3001);
  });
});

describe('npm start: the addresses it prints', () => {
  const addresses: AppAddresses = {
    origin: 'http://localhost:41234',
    taskService: 'http://127.0.0.1:41235',
    dynamoEndpoint: 'http://127.0.0.1:41236',
    issuer: 'http://localhost:41237',
  };
  const printed = ['', 'task-manager is running:', ...addressLines(addresses, '.data/dynamodb')];

  test('are read back as printed, among the other lines', () => {
    const output = ['{"level":"info","msg":"task-service listening"}', ...printed, 'Press Ctrl-C'];
    assert.deepEqual(appAddressesIn(output.join('\n')), addresses);
  });

  test('are not there until every one of them is', () => {
    assert.equal(appAddressesIn(''), undefined);
    assert.equal(appAddressesIn(printed.slice(0, -1).join('\n')), undefined);
  });
});
