import fc from 'fast-check';
import { parseFlags, UsageError } from '#shared/cli/args.ts';
import { main } from '#shared/cli/main.ts';

const SPECS = {
  subjects: { kind: 'integer', min: 1, default: 10, description: 'n' },
  rate: { kind: 'fraction', default: 0, description: 'r' },
  name: { kind: 'string', description: 's' },
  json: { kind: 'boolean', default: false, description: 'b' },
} as const;

const token = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '--subjects',
    '--rate',
    '--name',
    '--json',
    '--help',
    '--',
    '-x',
    '--subjects=',
    '--rate=2',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

function capture() {
  let out = '';
  return {
    text: () => out,
    stream: {
      write: (chunk: string) => {
        out += chunk;
        return true;
      },
    },
  };
}

describe('fuzz: CLI flags', () => {
  it('parseFlags either parses or throws a UsageError naming the problem', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
        try {
          const { flags } = parseFlags(argv, SPECS, { positionals: { min: 0, max: 2, names: 'FILE' } });
          expect(Number.isInteger(flags.subjects) && flags.subjects >= 1).toBe(true);
          expect(flags.rate >= 0 && flags.rate <= 1).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('main() answers any argv with exit code 0, 1 or 2 and never throws', async () => {
    // An unknown flag at the end keeps every command from doing real work (it is a usage error).
    const command = fc.constantFrom('local', 'score', 'ledger', 'portfolio', 'report', 'nope', '', '--help');
    await fc.assert(
      fc.asyncProperty(command, fc.array(token, { maxLength: 5 }), async (first, rest) => {
        const stdout = capture();
        const stderr = capture();
        const code = await main([first, ...rest, '--fuzz-unknown-flag'], {
          stdout: stdout.stream,
          stderr: stderr.stream,
          env: {},
          cwd: '/nonexistent-credmon-fuzz',
        });
        expect([0, 1, 2]).toContain(code);
        if (code !== 0) expect(stderr.text().length + stdout.text().length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
