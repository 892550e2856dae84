import { sharedQuota, slotsOf } from '#shared/adapters/bureaus/quota.ts';
import { outcomeOf, TransientError } from '#shared/errors.ts';
import type { QuotaCounter } from '#shared/use-cases/ports.ts';

/** A counter in memory that records each claim. */
function memoryCounter() {
  const used = new Map<string, number>();
  const claims: number[] = [];
  const counter: QuotaCounter = {
    claim: async (bureau, slotStart, requests, allowance) => {
      claims.push(requests);
      const key = `${bureau}#${slotStart}`;
      if ((used.get(key) ?? 0) + requests > allowance) return false;
      used.set(key, (used.get(key) ?? 0) + requests);
      return true;
    },
  };
  return { counter, claims, used };
}

function clock(start = 0) {
  const state = { t: start, slept: [] as number[] };
  return {
    state,
    now: () => state.t,
    sleep: async (ms: number) => {
      state.slept.push(ms);
      state.t += ms;
    },
  };
}

/** A gate on a memory counter and a clock that moves only when the gate sleeps. */
function gate(quota: { requests: number; perSeconds: number }, maxWaitMs: number, start = 0) {
  const memory = memoryCounter();
  const c = clock(start);
  const take = sharedQuota({
    bureau: 'companies-house',
    quota,
    counter: memory.counter,
    maxWaitMs,
    now: c.now,
    sleep: c.sleep,
  });
  return { take, claims: memory.claims, clock: c.state };
}

describe('slotsOf', () => {
  it("cuts Companies House's 600 per 5 minutes into 5 s slots of 9, so any 300 s sees at most 549", () => {
    expect(slotsOf({ requests: 600, perSeconds: 300 })).toEqual({ slotMs: 5000, allowance: 9 });
  });
});

describe('sharedQuota', () => {
  it('claims calls in blocks and waits for the next slot when this one is spent', async () => {
    // Prepare: 20 calls against 9 per 5 s slot
    const { take, claims, clock: time } = gate({ requests: 600, perSeconds: 300 }, 10_000, 1_000_000);

    // Act
    const times: number[] = [];
    for (let n = 0; n < 20; n++) {
      await take();
      times.push(time.t);
    }

    // Assess: 9 in the first slot, 9 in the next, 2 in the third
    const bySlot = times.reduce<Record<number, number>>((acc, t) => {
      acc[Math.floor(t / 5000)] = (acc[Math.floor(t / 5000)] ?? 0) + 1;
      return acc;
    }, {});
    expect(Object.values(bySlot)).toEqual([9, 9, 2]);
    expect(claims.length).toBeLessThan(20);
  });

  it('hands a wait longer than maxWaitMs to the queue as a retryable error with the wait', async () => {
    const { take } = gate({ requests: 2, perSeconds: 60 }, 1000);
    await take();
    const error = await take().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransientError);
    expect(outcomeOf(error)).toBe('retry');
    expect((error as TransientError).retryAfterMs).toBe(5000);
  });
});
