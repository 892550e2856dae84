/**
 * Enrolment: a subject starts being monitored. Individuals' national ids are tokenized for keys
 * and sealed for the bureau call; the clear value is never stored. Each new or changed enrolment
 * asks for its baseline check at once (SubjectEnrolled on the control bus, routed to the fan-out),
 * whatever its tier: a monthly customer does not wait up to a month for its first class.
 */
import type { Sealer } from '#shared/adapters/crypto/sealer.ts';
import type { ControlEvent } from '#shared/domain/bus-events.ts';
import { personToken } from '#shared/domain/privacy.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import type { ControlBus, SubjectStore } from './ports.ts';

/** A subject as a company hands it in: with the clear national id of an individual. */
export type EnrolmentRequest = Omit<MonitoredSubject, 'personToken'> & { readonly nationalId: string | null };

export interface EnrolmentResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface EnrolmentDependencies {
  readonly store: SubjectStore;
  readonly sealer: Sealer;
  readonly tokenKey: string;
  readonly concurrency?: number;
  /**
   * Where the baseline requests go (the deployed or local event bus). Absent or null: none are
   * sent, for callers that run the tiers themselves right after enrolling (local runs, the soak).
   */
  readonly bus?: ControlBus | null;
}

/**
 * Enrols subjects (idempotent by id) and asks for a baseline check of each created or updated one:
 * an update may carry a corrected registry id, a stricter tier or a subject enrolled again after
 * removal. An unchanged enrolment asks for nothing, so re-importing a file costs no bureau calls.
 * The requests carry subject id and tier only, never personal data.
 *
 * @example
 * await enrolSubjects(requests, { store, sealer, tokenKey, bus }); // { created: 3, updated: 0, unchanged: 0 }
 */
export async function enrolSubjects(
  requests: readonly EnrolmentRequest[],
  deps: EnrolmentDependencies,
): Promise<EnrolmentResult> {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const baselines: ControlEvent[] = [];
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
      if (outcome !== 'unchanged') {
        baselines.push({ type: 'SubjectEnrolled', detail: { subjectId: subject.id, tier: subject.tier } });
      }
    }
  };
  await Promise.all(Array.from({ length: deps.concurrency ?? 16 }, worker));
  // After every write: the fan-out reads the state the baseline check starts from.
  if (deps.bus && baselines.length > 0) await deps.bus.putControlEvents(baselines);
  return counts;
}
