#!/usr/bin/env node
import { Command, CommanderError } from "commander";
// Straight to the file, not pipeline/index.js: that would load the whole scanner, and `--version` and
// `--help` must start in a few times a bare `node` (bench/startup.ts). Commands load their work when run.
import { toolVersion } from "../pipeline/toolVersion.js";
import { registerCertsCommand } from "./certsCommand.js";
import { registerCompletionCommand } from "./completion.js";
import { registerDemoCommand } from "./demoCommand.js";
import { describeFailure, EXIT } from "./exitCodes.js";
import { ROOT_EXAMPLES } from "./helpText.js";
import { registerLabCommand } from "./labCommand.js";
import { registerMergeCommand } from "./mergeCommand.js";
import { registerScanCommand } from "./scanCommand.js";

const program = new Command()
  .name("kubetls")
  .description("Active TLS prober for Kubernetes: what kubelets and API servers really do on the wire")
  .version(toolVersion())
  .exitOverride()
  .addHelpText("after", ROOT_EXAMPLES)
  // A bad flag gets one error line and a hint, not the whole help: the error is what the user needs to see.
  .showHelpAfterError("hint: kubetls --help lists the commands")
  .configureOutput({ outputError: (text, write) => write(`kubetls: ${text}`) });
registerScanCommand(program);
registerLabCommand(program);
registerDemoCommand(program);
registerMergeCommand(program);
registerCertsCommand(program);
registerCompletionCommand(program);
for (const command of program.commands) {
  command.showHelpAfterError(`hint: kubetls ${command.name()} --help lists its flags and examples`);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0; commander has printed the rest.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const failure = describeFailure(error);
    process.stderr.write(`kubetls: ${failure.message}\n`);
    process.exitCode = failure.exitCode;
  }
}
