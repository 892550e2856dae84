/**
 * Issue proof: a bureau answer that does not match its documented format ends in the monitor's
 * dead-letter queue on its first attempt, with a reason that names the provider, the path and the
 * field (never the value); nothing is written for that check; the next good answer reports every
 * change the bad one hid; and the operator's redrive announces nothing a second time.
 */
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AlertV1 } from '#shared/domain/alert.ts';
import { type LocalPipeline, startLocalPipeline } from '#shared/local/pipeline.ts';
import { loadScenario } from '#shared/simulator/scenario.ts';
import { type Simulator, startSimulator } from '#shared/simulator/server.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import { BENCH_PACING } from '../../bench/pipeline.ts';
import { SCENARIO_FILE, scenario } from './scenario-support.ts';

const BUREAU_PATH = '/credit-bureau/v1/companies/NO/923609016';
/** Present in the garbled answer; must never reach a reason, a log line or an alert. */
const GARBLED_VALUE = 'REMARK-TEXT-7731';

/** The example scenario with the credit bureau's day-2 answer garbled: well-formed JSON, wrong shape. */
function garbledScenario() {
  const file = scenario();
  const [subject] = file.subjects;
  if (!subject) throw new Error(`${SCENARIO_FILE} has no subject`);
  const day2 = subject.timeline.find((entry) => entry.day === 2);
  const good = day2?.responses[BUREAU_PATH];
  if (!day2 || !good) throw new Error(`${SCENARIO_FILE}: no bureau answer on day 2`);
  const credit = (good.body as { credit: Record<string, unknown> }).credit;
  const garbled = { ...(good.body as object), credit: { ...credit, paymentRemarks: GARBLED_VALUE } };
  const timeline = subject.timeline.map((entry) =>
    entry.day === 2 ? { ...entry, responses: { [BUREAU_PATH]: { status: 200, body: garbled } } } : entry,
  );
  // Day 3 serves the good day-2 answer again beside its own entity change, unless it names the path.
  const day3 = timeline.find((entry) => entry.day === 3);
  if (day3 && !day3.responses[BUREAU_PATH]) day3.responses[BUREAU_PATH] = good;
  return { ...file, subjects: [{ ...subject, timeline }] };
}

async function receiveAll(pipeline: LocalPipeline, queueUrl: string) {
  const { sqs } = pipeline.composition.clients;
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    // Left in flight (not deleted): each is read once, as an operator looking at them would.
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
}

describe('a malformed bureau answer', () => {
  let simulator: Simulator;
  let pipeline: LocalPipeline;
  const logs: string[] = [];
  const alertsByDay: AlertV1[][] = [];
  let deadLetters: string[] = [];
  const versionOnDay: number[] = [];
  let afterRedrive: AlertV1[] = [];

  beforeAll(async () => {
    // Prepare
    simulator = await startSimulator({ world: loadScenario(garbledScenario(), SCENARIO_FILE) });
    const { world } = simulator;
    pipeline = await startLocalPipeline({
      simulatorUrl: simulator.url,
      pacing: BENCH_PACING,
      now: () => new Date(`${world.today()}T06:00:00.000Z`),
      logSink: (line) => logs.push(line),
    });
    const subscriber = await pipeline.subscribe('malformed-subscriber');
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });

    // Act: days 0–3 of the daily tier, then the operator's redrive of what was dead-lettered.
    for (let day = 0; day <= 3; day++) {
      simulator.setDay(day);
      await pipeline.requestTier('daily', 'test');
      await pipeline.waitIdle();
      versionOnDay.push((await store.get('equinor'))?.version ?? -1);
      alertsByDay.push((await receiveAll(pipeline, subscriber)).map((raw) => JSON.parse(raw) as AlertV1));
    }
    deadLetters = await receiveAll(pipeline, pipeline.resources.dlqUrls.monitorJobs);
    for (const body of deadLetters) {
      await pipeline.composition.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: pipeline.resources.queueUrls.monitorJobs, MessageBody: body }),
      );
    }
    await pipeline.waitIdle();
    afterRedrive = (await receiveAll(pipeline, subscriber)).map((raw) => JSON.parse(raw) as AlertV1);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await simulator?.close();
  });

  it('is dead-lettered on its first attempt with a reason naming provider, path and field', () => {
    expect(deadLetters).toHaveLength(1);
    const letter = JSON.parse(deadLetters[0] ?? '{}') as {
      attempt?: number;
      attempts: number;
      subjects: { id: string }[];
      failures: Record<string, string>;
    };
    expect(letter.subjects.map((s) => s.id)).toEqual(['equinor']);
    // One attempt made, and none carried over: a redrive starts afresh.
    expect({ attempts: letter.attempts, attempt: letter.attempt }).toEqual({
      attempts: 1,
      attempt: undefined,
    });
    expect(letter.failures.equinor).toMatch(/^MalformedPayloadError: credit-bureau: unexpected payload for /);
    expect(letter.failures.equinor).toContain(BUREAU_PATH);
    expect(letter.failures.equinor).toContain('paymentRemarks');
  });

  it('never repeats the garbled value in the reason, a log line or an alert', () => {
    const everything = [...deadLetters, ...logs, ...alertsByDay.flat().map((a) => JSON.stringify(a))];
    expect(everything.filter((text) => text.includes(GARBLED_VALUE))).toEqual([]);
  });

  it('writes nothing for the failed check', () => {
    // Day 0 baselines (v1), day 1 is unchanged, day 2 failed, day 3 commits the changes.
    expect(versionOnDay).toEqual([1, 1, 1, 2]);
    expect(alertsByDay[2]).toEqual([]);
  });

  it('reports on the next good answer every change the bad one hid', () => {
    const types = (alertsByDay[3] ?? []).map((alert) => alert.type).sort();
    expect(types).toEqual(expect.arrayContaining(['bankruptcy', 'payment-remark-added']));
  });

  it('announces nothing again when the dead letter is redriven', () => {
    expect(afterRedrive).toEqual([]);
  });
});
