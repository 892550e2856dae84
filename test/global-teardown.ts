export default async function globalTeardown(): Promise<void> {
  await (globalThis as { credmonTestAws?: { stop(): Promise<void> } }).credmonTestAws?.stop();
}
