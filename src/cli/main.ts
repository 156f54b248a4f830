#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { BenchmarkMismatchError, KubeBenchFileError } from "../correlate/index.js";
import { IdentityFileError } from "../identity/index.js";
import { KubeconfigError } from "../kubeconfig/index.js";
import { toolVersion, UnknownBenchmarkError } from "../pipeline/index.js";
import { TargetError } from "../targets/index.js";
import { CaBundleError } from "../x509/index.js";
import { registerCertsCommand } from "./certsCommand.js";
import { registerDemoCommand } from "./demoCommand.js";
import { EXIT, UsageError } from "./exitCodes.js";
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
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isUsageError(error)) {
    process.stderr.write(`kubetls: ${error.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`kubetls: scan failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.scanFailed;
}

/** Errors in what the operator gave (flags, files, names): exit 2, the message says which input. */
function isUsageError(error: unknown): error is Error {
  return [
    UsageError,
    TargetError,
    CaBundleError,
    IdentityFileError,
    KubeconfigError,
    KubeBenchFileError,
    BenchmarkMismatchError,
    UnknownBenchmarkError,
  ].some((kind) => error instanceof kind);
}
