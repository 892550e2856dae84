/** AWS Lambda entry of the table export: settings are read and validated once, at init. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { createExportTableHandler } from './create-handler.ts';

const env = z
  .object({
    TABLE_ARN: z.string().min(1),
    EXPORT_BUCKET: z.string().min(1),
    EXPORT_KMS_KEY_ID: z.string().min(1),
  })
  .parse(process.env);

export const handler = createExportTableHandler({
  dynamodb: new DynamoDBClient({}),
  now: () => new Date(),
  settings: { tableArn: env.TABLE_ARN, bucket: env.EXPORT_BUCKET, kmsKeyId: env.EXPORT_KMS_KEY_ID },
});
