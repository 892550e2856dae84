/**
 * A bureau's rate limit across every Lambda environment. Each environment's token bucket paces its
 * own calls, but eight monitor environments at Companies House's 2 requests/s are 16 against a limit
 * of 600 per 5 minutes for the key they share. The quota is counted in a shared store
 * ({@link QuotaCounter}) in short slots: a period of `perSeconds` is cut into slots of at most 5 s,
 * and each slot allows `floor(requests / (slots + 1))`, so that any span of `perSeconds`, which
 * overlaps at most `slots + 1` slots, sees at most `requests` calls, however the bureau aligns its
 * own window. Environments claim a few calls at a time, to spend one conditional write on several
 * calls; what an environment claimed but did not use in a slot is lost, never over-spent.
 */
import { z } from 'zod';
import { TransientError } from '#shared/errors.ts';
import type { QuotaCounter } from '#shared/use-cases/ports.ts';

/** A bureau's documented limit: `requests` per `perSeconds`, for the whole account. */
export const Quota = z.object({
  requests: z.number().int().positive(),
  perSeconds: z.number().int().positive(),
});
export type Quota = z.infer<typeof Quota>;

const MAX_SLOT_SECONDS = 5;

/** How a quota is counted: slot length and the calls each slot allows. */
export function slotsOf(quota: Quota): { slotMs: number; allowance: number } {
  const slotSeconds = Math.min(quota.perSeconds, MAX_SLOT_SECONDS);
  const slots = Math.ceil(quota.perSeconds / slotSeconds);
  return { slotMs: slotSeconds * 1000, allowance: Math.max(1, Math.floor(quota.requests / (slots + 1))) };
}

export interface SharedQuotaOptions {
  /** Names the bureau's count in the store, e.g. `companies-house`. */
  readonly bureau: string;
  readonly quota: Quota;
  readonly counter: QuotaCounter;
  /** The longest wait for the next slot; a longer one is handed to the queue. */
  readonly maxWaitMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A gate that resolves when one more call fits the bureau's shared quota, waiting for the next slot
 * when this one is spent (or failing with a {@link TransientError} that carries the wait, when it
 * is longer than `maxWaitMs`). Callers of one gate take their turns in arrival order.
 *
 * @example
 * const take = sharedQuota({ bureau: 'companies-house', quota: { requests: 600, perSeconds: 300 }, counter, maxWaitMs: 5000 });
 * await take(); // then send the request
 */
export function sharedQuota(options: SharedQuotaOptions): () => Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { slotMs, allowance } = slotsOf(options.quota);
  const block = Math.max(1, Math.ceil(allowance / 4));
  let slot = -1;
  let claimed = 0;
  let exhausted = -1;
  let queue: Promise<void> = Promise.resolve();

  const take = async (): Promise<void> => {
    for (;;) {
      const t = now();
      const current = Math.floor(t / slotMs) * slotMs;
      if (current !== slot) {
        slot = current;
        claimed = 0;
      }
      if (claimed > 0) {
        claimed -= 1;
        return;
      }
      if (exhausted !== current) {
        // A block, else a single call: the last calls of a slot are claimed one by one.
        for (const size of block > 1 ? [block, 1] : [1]) {
          if (await options.counter.claim(options.bureau, current, size, allowance)) {
            claimed = size - 1;
            return;
          }
        }
        exhausted = current;
      }
      const wait = current + slotMs - now();
      if (wait > options.maxWaitMs) {
        throw new TransientError(`${options.bureau}: shared rate limit reached, next slot in ${wait} ms`, {
          retryAfterMs: wait,
        });
      }
      await sleep(Math.max(1, wait));
    }
  };

  return () => {
    const turn = queue.then(take);
    queue = turn.catch(() => undefined);
    return turn;
  };
}
