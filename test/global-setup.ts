/**
 * Starts one embedded AWS for the whole test run (dynalite + fauxqs on free loopback ports) and hands
 * its endpoints to the test workers through the environment; suites that need their own start more.
 */
import { startEmbeddedAws } from '#shared/local/embedded-aws.ts';

export default async function globalSetup(): Promise<void> {
  const aws = await startEmbeddedAws();
  process.env.CREDMON_TEST_AWS = JSON.stringify({ region: aws.region, endpoints: aws.endpoints });
  (globalThis as { credmonTestAws?: { stop(): Promise<void> } }).credmonTestAws = aws;
}
