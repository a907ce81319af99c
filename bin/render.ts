/** npm run --silent render -- --stack-file <path> [--json]   (see src/cli/render-command.ts) */

import { runRender } from "../src/cli/render-command";

const result = runRender(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
