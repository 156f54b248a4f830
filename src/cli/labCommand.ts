import { rename, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Lab } from "../lab/index.js";
// The constant alone, not lab/index.js: that loads node-forge, and `kubetls --help` shows this default.
import { DEFAULT_LAB_NETWORK } from "../lab/labNetwork.js";
import { endpointKey } from "../model/index.js";

export function registerLabCommand(program: Command): void {
  program
    .command("lab")
    .description("run the embedded lab (real TLS servers on 127.x addresses) in the foreground")
    .option("--network <a.b.c>", "first three octets of the 127/8 block to bind", DEFAULT_LAB_NETWORK)
    .option("--ca-out <file>", "also write the lab's cluster CA here (for a scanner in another container)")
    .option("--targets-out <file>", "also write the lab's target range here, one line")
    .action(async (flags: { network: string; caOut?: string; targetsOut?: string }) => {
      const { startLab } = await import("../lab/index.js");
      const lab = await startLab({ network: flags.network });
      // Written once every listener is up, and renamed into place, so a reader never sees half a file.
      if (flags.caOut) await writeAtomically(flags.caOut, lab.pki.clusterCa.certPem);
      if (flags.targetsOut) await writeAtomically(flags.targetsOut, `${lab.targetRange}\n`);
      process.stdout.write(describeLab(lab));
      process.stdout.write(
        [
          "",
          "Scan it:",
          `  kubetls scan ${lab.targetRange} --ca-file ${lab.caFile} --client-cert ${lab.clientCertFile} --client-key ${lab.clientKeyFile} --etcd-ca-file ${lab.etcdCaFile} --etcd-client-cert ${lab.etcdClientCertFile} --etcd-client-key ${lab.etcdClientKeyFile}`,
          `  kubetls scan --kubeconfig ${lab.kubeconfigFile} --ca-file ${lab.caFile} --scope ${lab.targetRange}`,
          "Ctrl-C stops the lab.",
          "",
        ].join("\n"),
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await lab.stop();
    });
}

/** The terminal's width, else $COLUMNS, else 100: the same rule as the table report's. */
function outputWidth(): number {
  if (process.stdout.isTTY && (process.stdout.columns ?? 0) > 0) return process.stdout.columns;
  const fromEnv = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 100;
}

/** Greedy word wrap; a word longer than the line stays whole on its own line. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter(Boolean)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return line === "" ? lines : [...lines, line];
}

/** Per posture: where it listens, then what it imitates, wrapped to the terminal under its column. */
export function describeLab(lab: Lab, width = outputWidth()): string {
  const lines = [`kubetls lab on ${lab.targetRange} (cluster CA: ${lab.caFile})`];
  for (const posture of lab.postures) {
    const where =
      posture.listeners.length === 0
        ? `${posture.address} (nothing listens)`
        : posture.listeners
            .map(
              (listener) => `${endpointKey({ host: posture.address, port: listener.port })} ${listener.role}`,
            )
            .join(", ");
    const column = `  ${"".padEnd(26)} `;
    lines.push(`  ${posture.name.padEnd(26)} ${where}`);
    for (const line of wrap(posture.summary, Math.max(width - column.length, 20))) lines.push(column + line);
  }
  return `${lines.join("\n")}\n`;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
