#!/usr/bin/env node
import { Command, CommanderError } from "commander";
// Straight to the file, not pipeline/index.js: that would load the whole scanner, and `--version` and
// `--help` must start in a few times a bare `node` (bench/startup.ts). Commands load their work when run.
import { toolVersion } from "../pipeline/toolVersion.js";
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
  process.exitCode = await exitCodeFor(error);
}

async function exitCodeFor(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof Error && (await isUsageError(error))) {
    process.stderr.write(`kubetls: ${error.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`kubetls: scan failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.scanFailed;
}

/**
 * Errors in what the operator gave (flags, files, names): exit 2, the message says which input. The
 * classes are loaded only once something failed, so that a start-up that succeeds never pays for them.
 */
async function isUsageError(error: Error): Promise<boolean> {
  const [correlate, identity, kubeconfig, pipeline, targets, x509] = await Promise.all([
    import("../correlate/index.js"),
    import("../identity/index.js"),
    import("../kubeconfig/index.js"),
    import("../pipeline/index.js"),
    import("../targets/index.js"),
    import("../x509/index.js"),
  ]);
  return [
    UsageError,
    targets.TargetError,
    x509.CaBundleError,
    identity.IdentityFileError,
    kubeconfig.KubeconfigError,
    correlate.KubeBenchFileError,
    correlate.BenchmarkMismatchError,
    pipeline.UnknownBenchmarkError,
  ].some((kind) => error instanceof kind);
}
