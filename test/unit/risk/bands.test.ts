import { DEFAULT_BANDS, RiskBands, riskClassOf } from '#shared/domain/risk/bands.ts';

describe('riskClassOf', () => {
  it.each([
    [0, 'A'],
    [0.0049, 'A'],
    [0.005, 'B'],
    [0.0199, 'B'],
    [0.02, 'C'],
    [0.0799, 'C'],
    [0.08, 'D'],
    [1, 'D'],
  ])('puts PD %p in class %p with the default bands', (pd, expected) => {
    // Prepare / Act
    const riskClass = riskClassOf(pd);
    // Assess
    expect(riskClass).toBe(expected);
  });

  it('gives D to an insolvent subject whatever its PD', () => {
    // Prepare / Act
    const riskClass = riskClassOf(0.0001, { insolvent: true });
    // Assess
    expect(riskClass).toBe('D');
  });

  it('uses bands given in the options', () => {
    // Prepare
    const bands = RiskBands.parse({ b: 0.01, c: 0.05, d: 0.2 });
    // Act / Assess
    expect(riskClassOf(0.008, { bands })).toBe('A');
    expect(riskClassOf(0.1, { bands })).toBe('C');
  });

  it('treats a NaN PD as the worst class rather than A', () => {
    // Prepare / Act / Assess
    expect(riskClassOf(Number.NaN)).toBe('D');
  });
});

describe('RiskBands', () => {
  it('holds the documented defaults', () => {
    // Prepare / Act / Assess
    expect(DEFAULT_BANDS).toEqual({ b: 0.005, c: 0.02, d: 0.08 });
  });

  it.each([
    [{ b: 0.02, c: 0.01, d: 0.08 }, 'increase'],
    [{ b: 0.005, c: 0.02, d: 1.5 }, 'd'],
    [{ b: 0, c: 0.02, d: 0.08 }, 'b'],
    [{ b: 0.005, c: 0.02, d: 0.08, e: 0.5 }, 'e'],
  ])('rejects %p', (bands, mentioned) => {
    // Prepare / Act
    const result = RiskBands.safeParse(bands);
    // Assess
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(mentioned);
  });
});
