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

const [service, operation, ...options] = process.argv.slice(2);
appendFileSync(
  process.env.STANDIN_CALLS ?? '/dev/null',
  `${JSON.stringify({
    args: process.argv.slice(2),
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    region: process.env.AWS_DEFAULT_REGION,
  })}\n`,
);

const inputFlag = options.indexOf('--cli-input-json');
const source = inputFlag >= 0 ? options[inputFlag + 1] : undefined;
const OPERATIONS = ['create-table', 'update-time-to-live'];
if (
  service !== 'dynamodb' ||
  !OPERATIONS.includes(operation ?? '') ||
  !source?.startsWith('file://')
) {
  process.stderr.write(`awslocal stand-in: unsupported call: ${process.argv.slice(2).join(' ')}\n`);
  process.exit(252); // the AWS CLI's exit code for a command line it cannot parse
}

const client = new DynamoDBClient({
  endpoint: process.env.STANDIN_DYNAMODB_ENDPOINT,
  region: process.env.AWS_DEFAULT_REGION,
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
  },
  maxAttempts: 1,
});
try {
  const input = JSON.parse(readFileSync(source.slice('file://'.length), 'utf8'));
  if (operation === 'create-table') {
    const { TableDescription } = await client.send(new CreateTableCommand(input));
    process.stdout.write(`${JSON.stringify({ TableDescription }, null, 4)}\n`);
  } else {
    // dynalite has no TTL (LocalStack has): check that the table exists and the request is
    // well-formed, then answer as DynamoDB does. Whether TTL then deletes items is unproven.
    const request = new UpdateTimeToLiveCommand(input);
    await client.send(new DescribeTableCommand({ TableName: request.input.TableName }));
    const { AttributeName, Enabled } = request.input.TimeToLiveSpecification ?? {};
    if (typeof AttributeName !== 'string' || Enabled !== true) {
      throw new Error(`unexpected TimeToLiveSpecification ${JSON.stringify(input)}`);
    }
    process.stdout.write(
      `${JSON.stringify({ TimeToLiveSpecification: { AttributeName, Enabled } }, null, 4)}\n`,
    );
  }
} catch (error) {
  if (error instanceof DynamoDBServiceException) {
    process.stderr.write(
      `\nAn error occurred (${error.name}) when calling the CreateTable operation: ${error.message}\n`,
    );
    process.exitCode = 254;
  } else {
    process.stderr.write(
      `\nCould not connect to the endpoint URL: "${process.env.STANDIN_DYNAMODB_ENDPOINT}/"\n`,
    );
    process.exitCode = 255;
  }
} finally {
  client.destroy();
}
