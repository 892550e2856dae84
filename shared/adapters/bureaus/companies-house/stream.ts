/**
 * Companies House Streaming API: long-lived HTTP streams of newline-delimited JSON events, each with
 * a `timepoint`. A reader keeps the last timepoint it processed and reconnects from the next one.
 */
import { MalformedPayloadError } from '#shared/errors.ts';
import { parseWire } from '../parse.ts';
import { ChStreamEvent } from './wire.ts';

export interface ChStreamChange {
  /** The company the event is about, from the resource URI (charges and filings have their own ids). */
  companyNumber: string;
  /** e.g. `company-profile`, `company-insolvency`, `company-charges`, `filing-history`. */
  resourceKind: string;
  timepoint: number;
  /** `changed` or `deleted`. */
  eventType: string;
  fieldsChanged: string[];
}

const PROVIDER = 'companies-house-stream';

/**
 * Parses one line of a stream. Blank lines are the stream's heartbeats and give null.
 *
 * @example
 * parseChStreamEvent(line); // { companyNumber: 'SC571653', resourceKind: 'company-profile', timepoint: 47695461, … }
 */
export function parseChStreamEvent(line: string): ChStreamChange | null {
  if (line.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new MalformedPayloadError(
      `${PROVIDER}: event line is not JSON`,
      { provider: PROVIDER, path: '(stream)', issues: ['(line): not valid JSON'] },
      { cause: error },
    );
  }
  const event = parseWire(ChStreamEvent, json, { provider: PROVIDER, path: '(stream)' });
  const companyNumber = /^\/company\/([A-Za-z0-9]+)(?:\/|$)/.exec(event.resource_uri)?.[1];
  if (!companyNumber) {
    throw new MalformedPayloadError(`${PROVIDER}: resource_uri names no company`, {
      provider: PROVIDER,
      path: '(stream)',
      issues: ['resource_uri: expected /company/{number}/…'],
    });
  }
  return {
    companyNumber: companyNumber.toUpperCase(),
    resourceKind: event.resource_kind,
    timepoint: event.event.timepoint,
    eventType: event.event.type,
    fieldsChanged: event.event.fields_changed ?? [],
  };
}

/**
 * The timepoint to reconnect from after `lastProcessed`: the stream replays from the timepoint it is
 * given inclusive, so the next one. Null (no cursor yet) means connect without a timepoint.
 *
 * @example
 * resumeTimepoint(47695461); // 47695462
 */
export function resumeTimepoint(lastProcessed: number | null): number | null {
  return lastProcessed === null ? null : lastProcessed + 1;
}

/**
 * The cursor after a batch of events: the highest timepoint seen, never moving backwards.
 *
 * @example
 * advanceTimepoint(10, [{ timepoint: 12 }, { timepoint: 11 }]); // 12
 */
export function advanceTimepoint(
  current: number | null,
  events: readonly { timepoint: number }[],
): number | null {
  return events.reduce<number | null>(
    (max, e) => (max === null || e.timepoint > max ? e.timepoint : max),
    current,
  );
}

/**
 * The URL of a stream, resuming after `lastProcessed`.
 *
 * @example
 * chStreamUrl('https://stream.companieshouse.gov.uk', 'companies', 99); // '…/companies?timepoint=100'
 */
export function chStreamUrl(base: string, stream: string, lastProcessed: number | null): string {
  const from = resumeTimepoint(lastProcessed);
  const url = `${base.replace(/\/+$/, '')}/${stream}`;
  return from === null ? url : `${url}?timepoint=${from}`;
}
