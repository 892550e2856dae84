/**
 * The events credmon puts on its EventBridge bus: control events (`credmon.control`) that ask the
 * pipeline to do something, and a copy of every alert (`credmon.alerts`) for the archive and
 * replay. Control events carry ids and tiers only, never personal data; alert events carry the
 * alert exactly as subscribers get it (already scrubbed by buildAlerts).
 */
import { z } from 'zod';
import { EVENT_BUS } from '#shared/catalogue.ts';
import { InputError } from '#shared/errors.ts';
import { ALERT_SCHEMA } from './alert.ts';
import { SubjectId, Tier } from './subject.ts';

export const CONTROL_SOURCE = EVENT_BUS.sources.control;
export const ALERTS_SOURCE = EVENT_BUS.sources.alerts;
/** detail-type of alert events: the alert contract's version. */
export const ALERT_DETAIL_TYPE = ALERT_SCHEMA;

/** A tier run asked for by hand (`credmon run --tier T`) or by another system. */
export const RunRequested = z
  .object({
    tier: Tier,
    requestedBy: z.string().min(1).max(64).optional(),
    requestedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type RunRequested = z.infer<typeof RunRequested>;

/** A subject was enrolled: it gets a baseline check now instead of at its tier's next run. */
export const SubjectEnrolled = z.object({ subjectId: SubjectId, tier: Tier }).strict();
export type SubjectEnrolled = z.infer<typeof SubjectEnrolled>;

export const ControlEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('RunRequested'), detail: RunRequested }),
  z.object({ type: z.literal('SubjectEnrolled'), detail: SubjectEnrolled }),
]);
export type ControlEvent = z.infer<typeof ControlEvent>;

/**
 * Parses a control event, naming the detail-type and the field that is wrong.
 *
 * @example
 * controlEvent('RunRequested', { tier: 'daily' }); // { type: 'RunRequested', detail: { tier: 'daily' } }
 */
export function controlEvent(type: string, detail: unknown): ControlEvent {
  const parsed = ControlEvent.safeParse({ type, detail });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InputError(`control event ${type}: ${issue?.path.join('.') || '(event)'}: ${issue?.message}`);
}
