/** The credmon stack: the `Credmon` construct configured from a validated deployment config. */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from './config.ts';
import type { BureauEndpoint } from './constructs/monitoring.ts';
import { Credmon } from './credmon.ts';

export interface CredmonStackProps extends StackProps {
  /** The validated deployment configuration (see `loadDeploymentConfig`). */
  readonly config: DeploymentConfig;
  /**
   * Directory the catalogue's handler entry paths are resolved against.
   * @default process.cwd()
   */
  readonly entryRoot?: string;
}

export class CredmonStack extends Stack {
  readonly credmon: Credmon;

  constructor(scope: Construct, id: string, props: CredmonStackProps) {
    super(scope, id, {
      description: 'credmon: credit monitoring of debtors (registries, credit bureaus, risk classes, alerts)',
      ...props,
    });
    const { config } = props;
    const bureaus: Record<string, BureauEndpoint> = {
      brreg: config.bureaus.brreg,
      regnskap: config.bureaus.regnskap,
      companiesHouse: config.bureaus.companiesHouse,
      ...(config.bureaus.creditBureau ? { creditBureau: config.bureaus.creditBureau } : {}),
    };

    this.credmon = new Credmon(this, 'Credmon', {
      schedules: config.schedules,
      bureaus,
      monitorMaxConcurrency: config.monitorMaxConcurrency,
      secretNames: {
        companiesHouseApiKey: config.companiesHouseApiKeySecretName,
        tokenKey: config.tokenKeySecretName,
        sealKey: config.sealKeySecretName,
      },
      policyFile: config.policyFile,
      alertRetention: Duration.days(config.alertRetentionDays),
      historyRetention: Duration.days(config.historyRetentionDays),
      // Validated against CloudWatch Logs' allowed values in lib/config.ts.
      logRetention: config.logRetentionDays as logs.RetentionDays,
      alarmEmail: config.alarmEmail,
      removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      entryRoot: props.entryRoot,
    });

    const { store, alerts, monitoring, observability } = this.credmon;
    new CfnOutput(this, 'TableName', { value: store.table.tableName });
    new CfnOutput(this, 'AlertsTopicArn', { value: alerts.topic.topicArn });
    new CfnOutput(this, 'EventBusName', { value: alerts.eventBus.eventBusName });
    new CfnOutput(this, 'OperationsTopicArn', { value: observability.operationsTopic.topicArn });
    new CfnOutput(this, 'FanOutQueueUrl', { value: monitoring.queues.fanOut.queue.queueUrl });
    new CfnOutput(this, 'FanOutDeadLetterQueueArn', {
      value: monitoring.queues.fanOut.deadLetterQueue.queueArn,
    });
    new CfnOutput(this, 'MonitorQueueUrl', { value: monitoring.queues.monitorJobs.queue.queueUrl });
    new CfnOutput(this, 'MonitorDeadLetterQueueArn', {
      value: monitoring.queues.monitorJobs.deadLetterQueue.queueArn,
    });
  }
}
