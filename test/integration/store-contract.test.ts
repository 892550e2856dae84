/**
 * The subject store's storage contract on dynalite (the embedded AWS) and on Amazon's DynamoDB
 * Local (the real engine, needs Java 17). Without Java, DynamoDB Local is left out with a console
 * line saying so; with CI=true it always runs (and fails when it cannot start).
 */
import { subjectStoreContract } from './contracts/subject-store.contract.ts';
import { contractEngines } from './support/dynamodb-engines.ts';

for (const engine of contractEngines()) {
  describe(`subject store contract on ${engine.name}`, () => {
    subjectStoreContract(engine);
  });
}
