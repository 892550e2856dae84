/** Entry of `npm run soak` (see shared/soak/command.ts). */
import { soakMain } from '#shared/soak/command.ts';

const code = await soakMain(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
// The pipeline and the simulator are stopped by the soak; leave no timer keeping the process alive.
setTimeout(() => process.exit(code), 100).unref();
