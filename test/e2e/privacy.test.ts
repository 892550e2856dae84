import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#shared/catalogue.ts';
import type { SimWorld } from '#shared/simulator/types.ts';
import { runSoak } from '#shared/soak/run.ts';

type Handler = (args: { input: unknown }) => Promise<unknown>;
interface CaptureStack {
  add(
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: 'initialize'; name: string },
  ): void;
}

interface Person {
  readonly nationalId: string;
  readonly names: string[];
}

/** The individuals of the world as the simulator's bureau tells them: national id and full name. */
function individuals(world: SimWorld): Person[] {
  return world
    .portfolio()
    .filter((subject) => subject.kind === 'individual' && subject.nationalId !== null)
    .map((subject) => {
      const nationalId = subject.nationalId ?? '';
      const answer = world.resource({ kind: 'bureau-person', country: subject.country, nationalId });
      const name = (answer?.body as { person?: { name?: string } } | undefined)?.person?.name ?? '';
      const parts = name.split(' ');
      // The bureau's full name, and first + last without a middle name.
      const short = parts.length > 2 ? `${parts[0]} ${parts.at(-1)}` : name;
      return { nationalId, names: [...new Set([name, short])].filter((n) => n.length > 0) };
    });
}

describe('privacy of individuals', () => {
  it('keeps national ids and names out of logs, metrics, alerts, attributes, keys and messages', async () => {
    // Prepare: capture every channel the pipeline writes to.
    const channels: Record<string, string[]> = {
      log: [],
      metric: [],
      alertBody: [],
      alertAttributes: [],
      dynamoKey: [],
      sqsBody: [],
      snsMessage: [],
    };
    const monitorJobs: string[] = [];
    const deadLetters: string[] = [];
    let people: Person[] = [];
    let sealedOpened: string[] = [];
    const instrument = (client: DynamoDBClient | SQSClient | SNSClient | EventBridgeClient) => {
      (client.middlewareStack as unknown as CaptureStack).add(
        (next, context) => async (args) => {
          const input = args.input as Record<string, unknown>;
          const command = String(context.commandName);
          const bodies: unknown[] = [];
          if (command === 'SendMessageCommand') bodies.push(input);
          if (command === 'SendMessageBatchCommand') bodies.push(...((input.Entries as unknown[]) ?? []));
          for (const entry of bodies) {
            const body = String((entry as { MessageBody?: string }).MessageBody ?? '');
            channels.sqsBody?.push(JSON.stringify(entry));
            if (body.includes('"subjects"')) monitorJobs.push(body);
            if (body.includes('"failures"')) deadLetters.push(body);
          }
          if (command === 'PublishCommand' || command === 'PublishBatchCommand')
            channels.snsMessage?.push(JSON.stringify(input));
          if (input.Key) channels.dynamoKey?.push(JSON.stringify(input.Key));
          return next(args);
        },
        { step: 'initialize', name: 'privacyCapture' },
      );
    };

    // Act: a run with faults (so that checks fail, log and dead-letter) over a portfolio with individuals.
    await runSoak({
      subjects: 50,
      days: 3,
      seed: 5,
      faults: { faultRate: 0.05, timeoutRate: 0.02, malformedRate: 0.05, throttleRate: 0 },
      crashRate: 0.1,
      duplicateRate: 0.1,
      restartAtDay: null,
      logSink: (line) => channels.log?.push(line),
      metricsSink: (line) => channels.metric?.push(line),
      instrument,
      onAlert: ({ raw, attributes }) => {
        channels.alertBody?.push(raw);
        channels.alertAttributes?.push(JSON.stringify(attributes));
      },
      inspect: async (pipeline, world) => {
        people = individuals(world);
        let start: Record<string, unknown> | undefined;
        const indexKeys = Object.values(TABLE.indexes).flatMap((index) => [
          index.partitionKey,
          index.sortKey,
        ]);
        do {
          const page = await pipeline.composition.clients.dynamodb.send(
            new ScanCommand({
              TableName: pipeline.resources.tableName,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of page.Items ?? []) {
            const keys = ['pk', 'sk', ...indexKeys].map((name) => item[name]).filter((v) => v !== undefined);
            channels.dynamoKey?.push(JSON.stringify(keys));
          }
          start = page.LastEvaluatedKey;
        } while (start);
        sealedOpened = monitorJobs.flatMap((body) =>
          (JSON.parse(body) as { subjects: { sealedNationalId: string | null }[] }).subjects
            .map((subject) => subject.sealedNationalId)
            .filter((sealed): sealed is string => sealed !== null)
            .map((sealed) => pipeline.composition.sealer.open(sealed)),
        );
      },
    });

    // Assess: the run had individuals and every channel saw traffic.
    expect(people.length).toBe(10);
    for (const [name, lines] of Object.entries(channels))
      expect([name, lines.length > 0]).toEqual([name, true]);
    const leaks: string[] = [];
    for (const [channel, lines] of Object.entries(channels)) {
      const text = lines.join('\n').toLowerCase();
      for (const person of people) {
        if (text.includes(person.nationalId)) leaks.push(`${channel}: national id of an individual`);
        for (const name of person.names)
          if (text.includes(name.toLowerCase())) leaks.push(`${channel}: name ${name}`);
      }
    }
    expect(leaks).toEqual([]);
    // Jobs (and so the dead letters made of them) carry the national id sealed: it opens to the
    // clear value, which never appears in them.
    const nationalIds = new Set(people.map((person) => person.nationalId));
    expect(new Set(sealedOpened)).toEqual(nationalIds);
    for (const body of [...monitorJobs, ...deadLetters])
      for (const id of nationalIds) expect(body.includes(id)).toBe(false);
  }, 120_000);
});
