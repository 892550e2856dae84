/**
 * Seals national identity numbers at rest (AES-256-GCM). The clear value is needed only for the
 * bureau call; everywhere else the subject is known by its keyed-hash token.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { InputError } from '#shared/errors.ts';

export interface Sealer {
  seal(clear: string): string;
  open(sealed: string): string;
}

/**
 * @example
 * const sealer = createSealer(secret);
 * sealer.open(sealer.seal('01017012345')); // '01017012345'
 */
export function createSealer(secret: string): Sealer {
  const key = createHash('sha256').update(`credmon-seal:${secret}`).digest();
  return {
    seal(clear) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1.')) throw new InputError('sealed value has an unknown format');
      const raw = Buffer.from(sealed.slice(3), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
