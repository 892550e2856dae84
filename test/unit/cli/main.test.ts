import { main } from '#shared/cli/main.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: {},
      cwd: '/tmp',
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('credmon command line', () => {
  it('names an unknown flag in one line and exits 2', async () => {
    const { io: cliIo, err } = io();
    expect(await main(['local', '--subject', '5'], cliIo)).toBe(2);
    expect(err()).toBe('credmon local: unknown flag: --subject\n');
  });

  it.each([
    [['local', '--days', 'ten'], "credmon local: --days must be a number, got 'ten'\n"],
    [['local', '--days', '0'], "credmon local: --days must be at least 1, got '0'\n"],
    [['local', '--fault-rate', '2'], "credmon local: --fault-rate must be a fraction from 0 to 1, got '2'\n"],
    [['local', '--seed'], 'credmon local: --seed needs a value\n'],
  ])('rejects bad values: %j', async (argv, message) => {
    const { io: cliIo, err } = io();
    expect(await main(argv, cliIo)).toBe(2);
    expect(err()).toBe(message);
  });

  it('documents every flag of local in --help', async () => {
    const { io: cliIo, out } = io();
    expect(await main(['local', '--help'], cliIo)).toBe(0);
    for (const flag of [
      '--subjects',
      '--days',
      '--seed',
      '--alerts-out',
      '--json',
      '--scenario',
      '--fault-rate',
    ]) {
      expect(out()).toContain(flag);
    }
  });

  it('lists the commands and rejects an unknown one', async () => {
    const { io: cliIo, err } = io();
    expect(await main(['frobnicate'], cliIo)).toBe(2);
    expect(err()).toMatch(/unknown command 'frobnicate'[\s\S]*local/);
  });
});
