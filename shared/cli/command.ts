/**
 * The contract of one `credmon` command. bin/credmon.ts dispatches to these; each lives in its own
 * module under shared/cli/ and is testable by calling `run` with a fake {@link CliIO}.
 */
export interface CliIO {
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface CliCommand {
  /** e.g. `local`, `score`, `portfolio import`. */
  readonly name: string;
  readonly summary: string;
  /** Full `--help` text: usage line and every flag with its default. */
  readonly help: string;
  /** Returns the process exit code: 0 ok, 1 failure, 2 bad usage. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
