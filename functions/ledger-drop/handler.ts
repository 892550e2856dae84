/** AWS Lambda entry of the ledger drop folder: configuration is read and validated once, at init. */
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createAwsClients } from '#shared/adapters/aws/clients.ts';
import { s3ObjectStore } from '#shared/adapters/storage/s3-object-store.ts';
import { DynamoSubjectStore } from '#shared/adapters/store/dynamo-subject-store.ts';
import { ConfigError } from '#shared/errors.ts';
import { createObservability } from '#shared/observability.ts';
import { createLedgerDropHandler } from './create-handler.ts';

// The ledger needs the table only: no bureau, queue or key configuration.
const parsed = z
  .object({ AWS_REGION: z.string().min(1), TABLE_NAME: z.string().min(1) })
  .safeParse(process.env);
if (!parsed.success) {
  throw new ConfigError(
    `invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])} is not set`).join('; ')}`,
  );
}
const { AWS_REGION, TABLE_NAME } = parsed.data;
const clients = createAwsClients({ region: AWS_REGION });

export const handler = createLedgerDropHandler({
  ...createObservability({ serviceName: 'credmon-ledger-drop' }),
  store: new DynamoSubjectStore(clients.dynamodb, { tableName: TABLE_NAME }),
  objects: s3ObjectStore(new S3Client({ region: AWS_REGION })),
});
