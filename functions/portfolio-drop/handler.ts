/** AWS Lambda entry of the portfolio drop folder: configuration is read and validated once, at init. */
import { S3Client } from '@aws-sdk/client-s3';
import { s3ObjectStore } from '#shared/adapters/storage/s3-object-store.ts';
import { composePortfolio, loadPortfolioConfig } from '#shared/adapters/store/portfolio-composition.ts';
import { createObservability } from '#shared/observability.ts';
import { createPortfolioDropHandler } from './create-handler.ts';

const config = loadPortfolioConfig(process.env);
const { portfolio } = composePortfolio(config);

export const handler = createPortfolioDropHandler({
  ...createObservability({ serviceName: 'credmon-portfolio-drop' }),
  portfolio,
  objects: s3ObjectStore(new S3Client({ region: config.AWS_REGION })),
});
