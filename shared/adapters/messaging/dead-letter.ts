/** Dead-letters monitor jobs with the reason each subject failed, so an operator can see why. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MonitorJob } from '#shared/use-cases/ports.ts';

/**
 * @example
 * await deadLetterJob(sqs, dlqUrl, job, { 'acme-as': 'MalformedPayloadError: brreg /enhetsregisteret/...: navn: expected string' });
 */
export async function deadLetterJob(
  sqs: SQSClient,
  dlqUrl: string,
  job: MonitorJob,
  reasons: Readonly<Record<string, string>>,
): Promise<void> {
  const summary = Object.values(reasons)[0] ?? 'unknown';
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: JSON.stringify({ ...job, failures: reasons }),
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: summary.slice(0, 1000) },
        failedSubjects: { DataType: 'Number', StringValue: String(job.subjects.length) },
      },
    }),
  );
}
