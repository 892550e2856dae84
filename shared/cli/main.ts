/** The `credmon` command line: dispatches to one module per command. */
import { exportCommand, queryCommand } from './analytics.ts';
import { UsageError } from './args.ts';
import { backtestCommand } from './backtest.ts';
import type { CliCommand, CliIO } from './command.ts';
import { envCommand } from './env.ts';
import { ledgerImportCommand } from './ledger.ts';
import { localCommand } from './local.ts';
import { PORTFOLIO_COMMANDS } from './portfolio.ts';
import { replayCommand } from './replay.ts';
import { reportCommand } from './report.ts';
import { runTierCommand } from './run-tier.ts';
import { scoreCommand } from './score.ts';
import { statusCommand } from './status.ts';

const COMMANDS: readonly CliCommand[] = [
  localCommand,
  envCommand,
  statusCommand,
  runTierCommand,
  scoreCommand,
  ledgerImportCommand,
  ...PORTFOLIO_COMMANDS,
  exportCommand,
  queryCommand,
  replayCommand,
  reportCommand,
  backtestCommand,
];

function overview(): string {
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(20)}${command.summary}`);
  return `Usage: credmon <command> [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun 'credmon <command> --help' for a command's flags.`;
}

/** Runs the command line; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    io.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  // Commands may be two words (`portfolio import`): the longest match wins.
  const command = [...COMMANDS]
    .sort((a, b) => b.name.length - a.name.length)
    .find((candidate) => {
      const words = candidate.name.split(' ');
      return words.every((word, index) => argv[index] === word);
    });
  if (!command) {
    io.stderr.write(`credmon: unknown command '${argv[0]}'\n${overview()}\n`);
    return 2;
  }
  try {
    return await command.run(argv.slice(command.name.split(' ').length), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`credmon ${command.name}: ${error.message}\n`);
      return 2;
    }
    const message =
      error instanceof Error
        ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
        : String(error);
    io.stderr.write(`credmon ${command.name}: ${message}\n`);
    return 1;
  }
}
