/**
 * The `credmon` EventBridge bus: alert events (a copy of each published alert, archived for
 * replay) and control events (tier runs, baseline checks). PutEvents takes ten entries per call;
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

const PUT_EVENTS_BATCH = 10;

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
    for (let start = 0; start < entries.length; start += PUT_EVENTS_BATCH) {
      let batch: PutEventsRequestEntry[] = entries
        .slice(start, start + PUT_EVENTS_BATCH)
        .map((entry) => ({ ...entry, EventBusName: this.busName }));
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
