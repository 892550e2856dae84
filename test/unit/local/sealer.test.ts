import { createSealer } from '#shared/adapters/crypto/sealer.ts';

describe('sealer', () => {
  it('opens what it sealed and never shows the clear value', () => {
    const sealer = createSealer('a-secret-of-the-deployment');
    const sealed = sealer.seal('01017012345');
    expect(sealed).not.toContain('01017012345');
    expect(sealer.open(sealed)).toBe('01017012345');
    expect(sealer.seal('01017012345')).not.toBe(sealed); // fresh IV each time
  });

  it('refuses a value sealed with another key', () => {
    const sealed = createSealer('key-one-key-one').seal('01017012345');
    expect(() => createSealer('key-two-key-two').open(sealed)).toThrow();
    expect(() => createSealer('key-two-key-two').open('plain')).toThrow(/unknown format/);
  });
});
