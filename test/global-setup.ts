/** Starts nothing yet: suites that need the embedded AWS start their own (see test/integration). */
export default async function globalSetup(): Promise<void> {}
