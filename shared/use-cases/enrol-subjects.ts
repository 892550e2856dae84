/**
 * Enrolment: a subject starts being monitored. Individuals' national ids are tokenized for keys
 * and sealed for the bureau call; the clear value is never stored.
 */
import type { Sealer } from '#shared/adapters/crypto/sealer.ts';
import { personToken } from '#shared/domain/privacy.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import type { SubjectStore } from './ports.ts';

/** A subject as a company hands it in: with the clear national id of an individual. */
export type EnrolmentRequest = Omit<MonitoredSubject, 'personToken'> & { readonly nationalId: string | null };

export interface EnrolmentResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * @example
 * await enrolSubjects(requests, { store, sealer, tokenKey }); // { created: 3, updated: 0, unchanged: 0 }
 */
export async function enrolSubjects(
  requests: readonly EnrolmentRequest[],
  deps: {
    readonly store: SubjectStore;
    readonly sealer: Sealer;
    readonly tokenKey: string;
    readonly concurrency?: number;
  },
): Promise<EnrolmentResult> {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      if (!request) return;
      const { nationalId, ...rest } = request;
      const token = nationalId ? personToken({ country: request.country, nationalId }, deps.tokenKey) : null;
      const subject: MonitoredSubject = { ...rest, personToken: token };
      const outcome = await deps.store.enrol(subject, nationalId ? deps.sealer.seal(nationalId) : null);
      counts[outcome]++;
    }
  };
  await Promise.all(Array.from({ length: deps.concurrency ?? 16 }, worker));
  return counts;
}
