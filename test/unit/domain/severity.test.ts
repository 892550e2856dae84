import { EventType } from '#shared/domain/events.ts';
import { DEFAULT_SEVERITY, resolveSeverity, Severity } from '#shared/domain/severity.ts';

describe('severity', () => {
  it('has a valid default for exactly the event types', () => {
    expect(Object.keys(DEFAULT_SEVERITY).sort()).toEqual([...EventType.options].sort());
    for (const severity of Object.values(DEFAULT_SEVERITY))
      expect(Severity.safeParse(severity).success).toBe(true);
  });

  it('puts the events that mean no payment at all on critical', () => {
    const critical = EventType.options.filter((type) => DEFAULT_SEVERITY[type] === 'critical');
    expect(critical).toEqual(['bankruptcy', 'forced-dissolution', 'deceased']);
  });

  it('prefers an override and falls back to the default', () => {
    // Prepare
    const overrides = { 'address-changed': 'high' as const };
    // Act / Assess
    expect(resolveSeverity('address-changed', overrides)).toBe('high');
    expect(resolveSeverity('name-changed', overrides)).toBe('low');
    expect(resolveSeverity('bankruptcy')).toBe('critical');
  });
});
