/** Entry of the `credmon` command line. */
import { main } from '#shared/cli/main.ts';

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
// Servers and pollers are stopped by the commands; leave no timer keeping the process alive.
setTimeout(() => process.exit(code), 100).unref();
