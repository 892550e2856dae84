/** The snapshot hash: equal exactly when the tracked facts are equal after noise control. */
import { createHash } from 'node:crypto';
import { canonicalizeSnapshot, stableStringify } from './canonical.ts';
import type { Snapshot } from './snapshot.ts';

/**
 * SHA-256 (hex) of the key-sorted JSON of the canonical snapshot. The pipeline stops early when
 * the hash is unchanged, so list order, whitespace and address letter case never cost a write.
 *
 * @example
 * snapshotHash(snapshot); // '5f2b…' (64 hex digits)
 */
export function snapshotHash(s: Snapshot): string {
  return createHash('sha256')
    .update(stableStringify(canonicalizeSnapshot(s)))
    .digest('hex');
}
