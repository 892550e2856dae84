/** AWS Lambda entry of the portfolio API: configuration is read and validated once, at init. */
import { composePortfolio, loadPortfolioConfig } from '#shared/adapters/store/portfolio-composition.ts';
import { createObservability } from '#shared/observability.ts';
import { createPortfolioApiHandler } from './create-handler.ts';

const { portfolio, reader, history } = composePortfolio(loadPortfolioConfig(process.env));

export const handler = createPortfolioApiHandler({
  ...createObservability({ serviceName: 'credmon-portfolio-api' }),
  portfolio,
  reader,
  history,
});
