import { buildUpdate, withCondition } from '#shared/adapters/store/update-expression.ts';

describe('buildUpdate', () => {
  it('aliases every attribute name so reserved words cannot collide', () => {
    // Act
    const update = buildUpdate({
      set: { snapshot: 1, status: 'x' },
      setIfAbsent: { version: 0 },
      remove: ['a.b'],
    });
    // Assess
    expect(update.UpdateExpression).toBe(
      'SET #n0 = :v1, #n1 = :v2, #n2 = if_not_exists(#n2, :v3) REMOVE #n3.#n4',
    );
    expect(update.ExpressionAttributeNames).toEqual({
      '#n0': 'snapshot',
      '#n1': 'status',
      '#n2': 'version',
      '#n3': 'a',
      '#n4': 'b',
    });
    expect(update.ExpressionAttributeValues).toEqual({ ':v1': 1, ':v2': 'x', ':v3': 0 });
  });

  it('adds a condition with its own names and values', () => {
    const update = withCondition(
      buildUpdate({ set: { outbox: [] } }),
      '#cv = :v',
      { '#cv': 'version' },
      { ':v': 3 },
    );
    expect(update.ConditionExpression).toBe('#cv = :v');
    expect(update.ExpressionAttributeNames).toEqual({ '#n0': 'outbox', '#cv': 'version' });
    expect(update.ExpressionAttributeValues).toEqual({ ':v1': [], ':v': 3 });
  });
});
