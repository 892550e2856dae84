/** The embedded AWS that test/global-setup.ts started for this run. */
import type { AwsEndpoints } from '#shared/adapters/aws/clients.ts';

export function testAws(): { region: string; endpoints: AwsEndpoints } {
  const raw = process.env.CREDMON_TEST_AWS;
  if (!raw) throw new Error('CREDMON_TEST_AWS is not set: run the tests through jest (test/global-setup.ts)');
  return JSON.parse(raw);
}
