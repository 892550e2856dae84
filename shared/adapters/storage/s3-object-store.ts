/** The drop folder's objects on S3 (the portfolio-drop function's {@link ObjectStore}). */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '#functions/portfolio-drop/create-handler.ts';

/**
 * @example
 * const objects = s3ObjectStore(new S3Client({}));
 * await objects.get('drop-bucket', 'incoming/debtors.csv');
 */
export function s3ObjectStore(s3: S3Client): ObjectStore {
  return {
    async get(bucket, key) {
      const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!result.Body) throw new Error(`s3://${bucket}/${key}: empty response body`);
      return result.Body.transformToByteArray();
    },
    async put(bucket, key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}
