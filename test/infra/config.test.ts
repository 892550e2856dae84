import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadDeploymentConfig, parseDeploymentConfig } from '#lib/config.ts';
import { FUNCTIONS, SCHEDULES } from '#shared/catalogue.ts';
import { ConfigError } from '#shared/errors.ts';

function writeConfig(value: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'credmon-config-'));
  const file = path.join(dir, 'deployment.json');
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('deployment config', () => {
  it('defaults every field from the catalogue', () => {
    // Prepare / Act
    const config = parseDeploymentConfig({}, 'test');
    // Assess
    for (const schedule of SCHEDULES) {
      expect(config.schedules).toContainEqual({
        tier: schedule.tier,
        expression: schedule.expression,
        timeZone: schedule.timeZone,
        enabled: true,
      });
    }
    expect(config.schedules.find((s) => s.tier === 'feed')?.expression).toBe('rate(5 minutes)');
    expect(config.monitorMaxConcurrency).toBe(FUNCTIONS.monitor.source.maxConcurrency);
    expect(config.removalPolicy).toBe('retain');
    expect(config.environment).toBe('prod');
    expect(config.alarmEmail).toBeUndefined();
  });

  it('loads and validates the example file', () => {
    const config = loadDeploymentConfig('config/deployment.example.json');
    expect(config.bureaus.creditBureau?.baseUrl).toMatch(/^https:/);
  });

  it('refuses a bureau base URL with a path, which the adapters would double', () => {
    // Prepare
    const file = writeConfig({
      bureaus: { brreg: { baseUrl: 'https://data.brreg.no/enhetsregisteret/api' } },
    });
    // Act
    const message = errorOf(() => loadDeploymentConfig(file));
    // Assess
    expect(message).toBe(
      `deployment config ${file}: bureaus.brreg.baseUrl: expected the API origin only, such as https://data.brreg.no: the adapters add the API paths`,
    );
  });

  it('reports file, field path and reason for each invalid field', () => {
    // Prepare
    const file = writeConfig({
      tiers: { daily: { expression: 'every day', timeZone: 'Mars/Olympus' } },
      bureaus: { brreg: { baseUrl: 'ftp://x', maxConcurrency: 1 } },
      alarmEmail: 'not-an-address',
      logRetentionDays: 42,
    });
    // Act
    const message = errorOf(() => loadDeploymentConfig(file));
    // Assess
    const lines = message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^deployment config ${file}: tiers\\.daily\\.expression: expected an EventBridge`),
        ),
        `deployment config ${file}: tiers.daily.timeZone: expected an IANA time zone such as Europe/Oslo`,
        `deployment config ${file}: bureaus.brreg.baseUrl: expected an http(s) URL`,
        `deployment config ${file}: bureaus.brreg.maxConcurrency: must be at least 2 (SQS event source minimum)`,
        `deployment config ${file}: alarmEmail: expected an e-mail address`,
        expect.stringMatching(
          new RegExp(`^deployment config ${file}: logRetentionDays: must be one of 1, 3, 5`),
        ),
      ]),
    );
    expect(lines).toHaveLength(6);
  });

  it('refuses unknown fields and unknown tiers', () => {
    const message = errorOf(() => parseDeploymentConfig({ tables: {}, tiers: { hourly: {} } }, 'ctx'));
    expect(message).toMatch(/^deployment config ctx: \(root\): Unrecognized key: "tables"/m);
    expect(message).toMatch(/^deployment config ctx: tiers: Unrecognized key: "hourly"$/m);
  });

  it('refuses removalPolicy destroy for prod', () => {
    const message = errorOf(() => parseDeploymentConfig({ removalPolicy: 'destroy' }, 'ctx'));
    expect(message).toMatch(
      /^deployment config ctx: removalPolicy: 'destroy' is refused for environment 'prod'/,
    );
    expect(parseDeploymentConfig({ environment: 'dev', removalPolicy: 'destroy' }, 'ctx').removalPolicy).toBe(
      'destroy',
    );
  });

  it('reports a missing policy file at its field', () => {
    const message = errorOf(() => parseDeploymentConfig({ policyFile: 'no/such/policy.json' }, 'ctx'));
    expect(message).toBe('deployment config ctx: policyFile: file not found');
  });

  it('reports unreadable files and invalid JSON', () => {
    expect(errorOf(() => loadDeploymentConfig('/no/such/deployment.json'))).toBe(
      'deployment config /no/such/deployment.json: (file): cannot read (ENOENT)',
    );
    const file = writeConfig('{ "tiers": ');
    expect(errorOf(() => loadDeploymentConfig(file))).toMatch(
      new RegExp(`^deployment config ${file}: \\(file\\): invalid JSON`),
    );
  });

  it('accepts a value from CDK context', () => {
    const config = loadDeploymentConfig({ value: { alertRetentionDays: 30 } });
    expect(config.alertRetentionDays).toBe(30);
    expect(errorOf(() => loadDeploymentConfig({ value: { alertRetentionDays: 0 } }))).toMatch(
      /^deployment config context: alertRetentionDays: /,
    );
  });
});
