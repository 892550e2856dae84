/**
 * The `credmon` EventBridge bus: alert events (a copy of each published alert, archived for
 * replay) and control events (tier runs, baseline checks). PutEvents takes ten entries and 256 KB
 * per call;
 * entries it reports as failed are retried, then the call fails as transient so the caller's own
 * retry (the SQS redelivery) takes over.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { AlertV1 } from '#shared/domain/alert.ts';
import {
  ALERT_DETAIL_TYPE,
  ALERTS_SOURCE,
  CONTROL_SOURCE,
  type ControlEvent,
} from '#shared/domain/bus-events.ts';
import { TransientError } from '#shared/errors.ts';
import type { AlertBus, ControlBus } from '#shared/use-cases/ports.ts';
import { batchesBySize } from './batches.ts';

const PUT_EVENTS_BATCH = 10;
/** PutEvents refuses a request whose entries add up to more than 256 KB. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/**
 * An entry's size as EventBridge counts it against {@link PUT_EVENTS_MAX_BYTES}: 14 bytes for a
 * Time, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 *
 * @example
 * putEventsEntrySize({ Source: 'credmon.alerts', DetailType: 'credmon.alert', Detail: '{}' }); // 29
 */
export function putEventsEntrySize(entry: {
  readonly Time?: unknown;
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly Resources?: unknown;
}): number {
  const bytes = (value: unknown): number =>
    typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time !== undefined ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce<number>((sum, resource) => sum + bytes(resource), 0)
  );
}

/**
 * @example
 * await new EventBridgeBus(clients.eventbridge, 'credmon').putAlerts(alerts);
 */
export class EventBridgeBus implements AlertBus, ControlBus {
  constructor(
    private readonly eventbridge: EventBridgeClient,
    private readonly busName: string,
  ) {}

  putAlerts(alerts: readonly AlertV1[]): Promise<void> {
    return this.put(
      alerts.map((alert) => ({
        Source: ALERTS_SOURCE,
        DetailType: ALERT_DETAIL_TYPE,
        // The event time is when the change was detected: replays select by it.
        Time: new Date(alert.detectedAt),
        Detail: JSON.stringify(alert),
      })),
    );
  }

  putControlEvents(events: readonly ControlEvent[]): Promise<void> {
    return this.put(
      events.map((event) => ({
        Source: CONTROL_SOURCE,
        DetailType: event.type,
        Detail: JSON.stringify(event.detail),
      })),
    );
  }

  private async put(entries: readonly Omit<PutEventsRequestEntry, 'EventBusName'>[]): Promise<void> {
    const limits = { maxEntries: PUT_EVENTS_BATCH, maxBytes: PUT_EVENTS_MAX_BYTES };
    for (const entriesOfBatch of batchesBySize(entries, putEventsEntrySize, limits)) {
      let batch: PutEventsRequestEntry[] = entriesOfBatch.map((entry) => ({
        ...entry,
        EventBusName: this.busName,
      }));
      for (let attempt = 1; batch.length > 0; attempt++) {
        const result = await this.eventbridge.send(new PutEventsCommand({ Entries: batch }));
        if (!result.FailedEntryCount) break;
        // Result entries are positional: an ErrorCode marks the request entry at the same index.
        batch = batch.filter((_, index) => result.Entries?.[index]?.ErrorCode !== undefined);
        if (batch.length > 0 && attempt >= 3) {
          const reason = result.Entries?.find((entry) => entry.ErrorCode)?.ErrorCode ?? 'unknown';
          throw new TransientError(`EventBridge refused ${batch.length} event(s): ${reason}`);
        }
      }
    }
  }
}
