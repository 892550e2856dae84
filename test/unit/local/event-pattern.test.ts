/** The local bus's pattern matching against the examples of EventBridge's documentation. */
import { EVENT_RULES } from '#shared/catalogue.ts';
import { matchesPattern } from '#shared/local/event-pattern.ts';

/** The example event of the EventBridge user guide ("Amazon EventBridge events"). */
const ec2Event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
};

describe('matchesPattern: exact values (AND across fields, OR within an array)', () => {
  it('matches the documented source + detail-type pattern', () => {
    expect(
      matchesPattern(
        { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
        ec2Event,
      ),
    ).toBe(true);
  });

  it('matches when any listed value equals the field (OR), and fails when one field does not (AND)', () => {
    expect(matchesPattern({ detail: { state: ['running', 'pending'] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event)).toBe(false);
  });

  it('matches an array in the event when the two arrays intersect', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111',
      ],
    };
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern({ resources: ['arn:other'] }, ec2Event)).toBe(false);
  });

  it('compares types exactly: the number 5 is not the string "5", null matches only null', () => {
    const event = { detail: { count: 5, note: null } };
    expect(matchesPattern({ detail: { count: ['5'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { count: [5] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { note: [null] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [null] } }, event)).toBe(false);
  });

  it('does not match a field the event lacks, nor a nested pattern on a leaf value', () => {
    expect(matchesPattern({ detail: { zone: ['eu'] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ source: { nested: ['x'] } }, ec2Event)).toBe(false);
  });
});

describe('matchesPattern: content filters', () => {
  it('prefix and suffix, also ignoring case', () => {
    expect(matchesPattern({ time: [{ prefix: '2015-11-11' }] }, ec2Event)).toBe(true);
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'instance-id': [{ suffix: '1111' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'equals-ignore-case': 'PENDING' }] } }, ec2Event)).toBe(true);
  });

  it('anything-but: a value, a list, a prefix; never a missing field', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(
      matchesPattern({ detail: { state: [{ 'anything-but': ['stopped', 'pending'] }] } }, ec2Event),
    ).toBe(false);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': { prefix: 'pend' } }] } }, ec2Event)).toBe(
      false,
    );
    expect(matchesPattern({ detail: { zone: [{ 'anything-but': 'eu' }] } }, ec2Event)).toBe(false);
  });

  it('numeric ranges, as in the documented c-count / d-count / x-limit example', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesPattern(pattern, { detail: { 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'c-count': 6, 'd-count': 7, 'x-limit': 301.8 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'c-count': '5', 'd-count': 7, 'x-limit': 301.8 } })).toBe(
      false,
    );
  });

  it('exists: true needs the leaf, exists: false its absence', () => {
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ exists: false }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ 'replay-name': [{ exists: true }] }, ec2Event)).toBe(false);
  });

  it('$or: any of the alternative patterns', () => {
    const pattern = {
      source: ['aws.ec2'],
      $or: [{ detail: { state: ['running'] } }, { region: ['us-east-1'] }],
    };
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern({ $or: [{ region: ['eu-north-1'] }, { account: ['1'] }] }, ec2Event)).toBe(false);
  });

  it('rejects a malformed pattern with the reason', () => {
    expect(() => matchesPattern({ source: 'aws.ec2' }, ec2Event)).toThrow(/must be an array or an object/);
    expect(() => matchesPattern({ detail: { n: [{ numeric: ['~', 1] }] } }, { detail: { n: 1 } })).toThrow(
      /unknown numeric operator/,
    );
  });
});

describe("credmon's rules", () => {
  const rule = (name: string) => {
    const found = EVENT_RULES.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no rule ${name}`);
    return found.pattern;
  };

  it('routes RunRequested and SubjectEnrolled control events, and nothing else, to their targets', () => {
    const run = { source: 'credmon.control', 'detail-type': 'RunRequested', detail: { tier: 'daily' } };
    const enrolled = {
      source: 'credmon.control',
      'detail-type': 'SubjectEnrolled',
      detail: { subjectId: 'a' },
    };
    expect(matchesPattern(rule('run-requested'), run)).toBe(true);
    expect(matchesPattern(rule('run-requested'), enrolled)).toBe(false);
    expect(matchesPattern(rule('subject-enrolled'), enrolled)).toBe(true);
  });

  it('sends only replayed alert events back to the alerts topic', () => {
    const alert = { source: 'credmon.alerts', 'detail-type': 'credmon.alert/v1', detail: {} };
    expect(matchesPattern(rule('alerts-replay'), alert)).toBe(false);
    expect(matchesPattern(rule('alerts-replay'), { ...alert, 'replay-name': 'since-2026-03-01' })).toBe(true);
  });
});
