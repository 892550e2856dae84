/** Dead-letters monitor jobs with the reason each subject failed, so an operator can see why. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MonitorJob } from '#shared/use-cases/ports.ts';

/**
 * The body is the job of the failed subjects with `failures` (subject id → reason) and `attempts`
 * (how many were made). It carries no `attempt` of its own: a redrive, once the cause is fixed,
 * gives the subjects a fresh set of attempts instead of one last try.
 *
 * @example
 * await deadLetterJob(sqs, dlqUrl, job, { 'acme-as': 'MalformedPayloadError: brreg /enhetsregisteret/...: navn: expected string' }, 1);
 */
export async function deadLetterJob(
  sqs: SQSClient,
  dlqUrl: string,
  job: MonitorJob,
  reasons: Readonly<Record<string, string>>,
  attempts: number,
): Promise<void> {
  const { attempt: _attempt, ...fresh } = job;
  const summary = Object.values(reasons)[0] ?? 'unknown';
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: JSON.stringify({ ...fresh, failures: reasons, attempts }),
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: summary.slice(0, 1000) },
        failedSubjects: { DataType: 'Number', StringValue: String(job.subjects.length) },
        attempts: { DataType: 'Number', StringValue: String(attempts) },
      },
    }),
  );
}
