/**
 * A stand-in for LocalStack's `awslocal` (the image cannot be pulled here): the hook's two calls
 * against dynalite at STANDIN_DYNAMODB_ENDPOINT, answered like AWS CLI v2 (exit 254 refused, 255
 * no connection); each call is a JSON line in STANDIN_CALLS. The real CLI's parsing is unproven.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

const args = process.argv.slice(2);
const [service, operation = '', flag, source = ''] = args;
const { AWS_ACCESS_KEY_ID: accessKeyId = '', AWS_DEFAULT_REGION: region } = process.env;
const endpoint = process.env.STANDIN_DYNAMODB_ENDPOINT;
const record = JSON.stringify({ args, accessKeyId, region });
appendFileSync(process.env.STANDIN_CALLS ?? '/dev/null', `${record}\n`);

const OPERATIONS = { 'create-table': 'CreateTable', 'update-time-to-live': 'UpdateTimeToLive' };
if (
  service !== 'dynamodb' ||
  !(operation in OPERATIONS) ||
  flag !== '--cli-input-json' ||
  !source.startsWith('file://')
) {
  process.stderr.write(`awslocal stand-in: unsupported call: ${args.join(' ')}\n`);
  process.exit(252); // the AWS CLI's exit code for a command line it cannot parse
}

const client = new DynamoDBClient({
  endpoint,
  region,
  credentials: { accessKeyId, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '' },
  maxAttempts: 1,
});
try {
  const input = JSON.parse(readFileSync(source.slice('file://'.length), 'utf8'));
  let answer: unknown;
  if (operation === 'create-table') {
    const { TableDescription } = await client.send(new CreateTableCommand(input));
    answer = { TableDescription };
  } else {
    // dynalite has no TTL (LocalStack has): check that the table exists and the request is
    // well-formed, then answer as DynamoDB does. Whether TTL then deletes items is unproven.
    const request = new UpdateTimeToLiveCommand(input);
    await client.send(new DescribeTableCommand({ TableName: request.input.TableName }));
    const { AttributeName, Enabled } = request.input.TimeToLiveSpecification ?? {};
    if (typeof AttributeName !== 'string' || Enabled !== true) {
      throw new Error(`unexpected TimeToLiveSpecification ${JSON.stringify(input)}`);
    }
    answer = { TimeToLiveSpecification: { AttributeName, Enabled } };
  }
  process.stdout.write(`${JSON.stringify(answer, null, 4)}\n`);
} catch (error) {
  const refused = error instanceof DynamoDBServiceException;
  const name = OPERATIONS[operation as keyof typeof OPERATIONS];
  process.stderr.write(
    refused
      ? `\nAn error occurred (${error.name}) when calling the ${name} operation: ${error.message}\n`
      : `\nCould not connect to the endpoint URL: "${endpoint}/"\n`,
  );
  process.exitCode = refused ? 254 : 255;
} finally {
  client.destroy();
}
