/**
 * The AWS CLI walkthrough of docs/local-stack.md, run literally (the block between its markers)
 * against `credmon local --serve`. Needs `aws` on PATH: fails, naming what is missing, without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { credmon, REPO, type Running, waitServed } from './support/serve-process.ts';

const DOC = join(REPO, 'docs/local-stack.md');

function walkthrough(): string {
  const text = readFileSync(DOC, 'utf8');
  const block = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(text);
  if (!block?.[1]) throw new Error(`${DOC}: no bash block between the walkthrough markers`);
  return block[1];
}

function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: REPO,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('docs/local-stack.md AWS CLI walkthrough', () => {
  let dataDir: string;
  let server: Running | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'credmon-walkthrough-'));
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs green against credmon local --serve, as written', async () => {
    // Prepare: the CLI, a server with its clock held, and a message waiting in a DLQ to redrive
    const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
    if (version.error) {
      throw new Error(
        "the AWS CLI ('aws') is not on PATH: install it (pip install awscli, or AWS CLI v2 >= 2.13) to run the documented walkthrough",
      );
    }
    const script = walkthrough();
    server = credmon(['local', '--serve', '--data-dir', dataDir, '--day-seconds', '0', '--subjects', '40']);
    const served = await waitServed(dataDir, server);
    const sqs = new SQSClient({
      region: served.region ?? 'eu-north-1',
      endpoint: served.endpoints?.sqs,
      useQueueUrlAsEndpoint: false,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: served.resources?.queues.fanOut.dlqUrl,
        MessageBody: JSON.stringify({ tier: 'weekly', requestedBy: 'dead-lettered' }),
      }),
    );
    const credmonFunction = `credmon() { "${process.execPath}" --import tsx "${REPO}/bin/credmon.ts" "$@" --data-dir "${dataDir}"; }`;

    // Act
    const result = await runBash(`${credmonFunction}\n${script}`, {});

    // Assess
    const context = `aws: ${version.stdout || version.stderr}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    if (/Unknown action/.test(result.stderr)) {
      throw new Error(
        `this AWS CLI speaks SQS's old query protocol, which the embedded SQS does not implement; use AWS CLI v1 or v2 >= 2.13\n${context}`,
      );
    }
    expect({ code: result.code, context }).toEqual({ code: 0, context });
    expect(result.stdout).toContain('"tier-index"');
    expect(result.stdout).toContain('STATE');
    expect(result.stdout).toContain('SubscriptionArn');
    const alerts = result.stdout
      .split(/\s+/)
      .filter((word) => word.startsWith('{"schema":"credmon.alert/v1"'));
    expect(alerts.length).toBeGreaterThan(0);
    expect(result.stdout).toContain('"kind":"individual"');
    expect(result.stdout).not.toContain('"kind":"business"');
    // the redrive emptied the DLQ (its last line is the DLQ's depth)
    expect(result.stdout.trim().split('\n').at(-1)).toBe('0');
  }, 90_000);
});
