/**
 * Batching for AWS's batch APIs, which limit a call both by entries (ten for PutEvents,
 * PublishBatch and SendMessageBatch) and by the sum of their sizes (256 KB, 256 KB and 1 MiB): a
 * batch of ten large alerts that fits the count would be refused whole for its size.
 */

/**
 * Consecutive batches of at most `maxEntries` items and at most `maxBytes` of `sizeOf` each; an
 * item larger than `maxBytes` goes alone (and the service refuses it by its own limit).
 *
 * @example
 * batchesBySize(['a', 'bb', 'ccc'], (s) => s.length, { maxEntries: 10, maxBytes: 3 }); // [['a', 'bb'], ['ccc']]
 */
export function batchesBySize<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  limits: { readonly maxEntries: number; readonly maxBytes: number },
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length === limits.maxEntries || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A message's size as SNS and SQS count it: its body plus each attribute's name, type and value. */
export function messageSize(body: unknown, attributes?: unknown): number {
  const bytes = (value: unknown): number =>
    typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
  let size = bytes(body);
  for (const [name, value] of Object.entries((attributes ?? {}) as Record<string, Record<string, unknown>>)) {
    size += bytes(name) + bytes(value.DataType) + bytes(value.StringValue);
  }
  return size;
}

/** SNS: one message, and the sum of a PublishBatch's messages with their attributes. */
export const SNS_MAX_BYTES = 256 * 1024;
/** SQS (since August 2025): one message, and the sum of a SendMessageBatch's messages. */
export const SQS_MAX_BYTES = 1024 * 1024;
