import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * The item as it stood when a conditional write (sent with ReturnValuesOnConditionCheckFailure:
 * 'ALL_OLD') was refused: DynamoDB returns it with the error; servers that do not, such as
 * dynalite, cost one consistent read instead. Whoever retried a write whose answer was lost
 * reads here whether the item it meets is its own.
 */
export async function itemAfterFailure(
  doc: DynamoDBDocumentClient,
  error: ConditionalCheckFailedException,
  tableName: string,
  key: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  if (error.Item !== undefined) return unmarshall(error.Item);
  const { Item } = await doc.send(
    new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}
