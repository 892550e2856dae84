/**
 * Issue proof: the Equinor scenario built from real Brønnøysund payloads yields baseline,
 * bankruptcy, dissolved and removed-from-registry alerts with their old and new values, in the
 * daily tier, and in the feed tier on the poll of the very day the registry changed.
 */
import { changeAt, only, runScenario, type ScenarioRun, scenario } from './scenario-support.ts';

const REGISTRY_EVENTS = [
  { type: 'bankruptcy', day: 3, date: '2026-10-08', old: 'active', new: 'bankruptcy' },
  { type: 'dissolved', day: 6, date: '2026-10-11', old: 'bankruptcy', new: 'dissolved' },
  { type: 'removed-from-registry', day: 9, date: '2026-10-14', old: 'dissolved', new: 'removed' },
] as const;

describe('credmon local --scenario equinor-bankruptcy.json --days 10', () => {
  describe('daily tier', () => {
    let run: ScenarioRun;
    beforeAll(async () => {
      run = await runScenario(scenario());
    }, 90_000);

    it('sends the baseline on day 0', () => {
      const { alert, delivery } = only(run, 'baseline');
      expect(delivery.day).toBe(0);
      expect(alert.subject).toMatchObject({ id: 'equinor', country: 'NO', portfolioId: 'nordics' });
      expect(alert.generalia.name).toBe('EQUINOR ASA');
    });

    it.each(REGISTRY_EVENTS)('sends $type on $date with state $old → $new', (event) => {
      const { alert, delivery } = only(run, event.type);
      expect(delivery.day).toBe(event.day);
      expect(alert.detectedAt.slice(0, 10)).toBe(event.date);
      expect(changeAt(alert, '/status/state')).toEqual({ old: event.old, new: event.new });
    });

    it('catches a change no feed announces (the credit bureau on day 2) with the daily run', () => {
      const { delivery } = only(run, 'payment-remark-added');
      expect(delivery).toEqual({ day: 2, step: 'tiers' });
    });

    it('loses nothing: no dead letters, no pending outbox, every published alert delivered', () => {
      expect(run.summary).toMatchObject({ dlq: 0, pendingOutboxes: 0 });
      expect(run.summary.alertsDelivered).toBe(run.summary.alertsPublished);
    });
  });

  describe('feed tier', () => {
    let run: ScenarioRun;
    beforeAll(async () => {
      run = await runScenario(scenario('feed'));
    }, 90_000);

    it('baselines a feed-tier subject at enrolment', () => {
      expect(only(run, 'baseline').delivery.day).toBe(0);
    });

    it.each(REGISTRY_EVENTS)('delivers $type on the feed poll of day $day, before any tier run', (event) => {
      const { alert, delivery } = only(run, event.type);
      expect(delivery).toEqual({ day: event.day, step: 'feed' });
      expect(changeAt(alert, '/status/state')).toEqual({ old: event.old, new: event.new });
    });

    it('polls only what the feed names, and checks the subject in full with every daily run', () => {
      // One check per registry change from the feed; the baseline on day 0; the daily run on days 1…D-1.
      expect(run.summary.feedChecks).toBe(REGISTRY_EVENTS.length);
      expect(run.summary.checks).toBe(REGISTRY_EVENTS.length + run.summary.days);
    });
  });
});
