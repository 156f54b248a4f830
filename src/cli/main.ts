#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { toolVersion } from "../pipeline/index.js";
import { registerCertsCommand } from "./certsCommand.js";
import { registerDemoCommand } from "./demoCommand.js";
import { describeFailure, EXIT } from "./exitCodes.js";
import { registerLabCommand } from "./labCommand.js";
import { registerMergeCommand } from "./mergeCommand.js";
import { registerScanCommand } from "./scanCommand.js";

const program = new Command()
  .name("kubetls")
  .description("Active TLS prober for Kubernetes: what kubelets and API servers really do on the wire")
  .version(toolVersion())
  .exitOverride()
  .showHelpAfterError();
registerScanCommand(program);
registerLabCommand(program);
registerDemoCommand(program);
registerMergeCommand(program);
registerCertsCommand(program);

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
