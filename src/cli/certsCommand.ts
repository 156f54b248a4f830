import { relative } from "node:path";
import type { Command } from "commander";

interface CertsFlags {
  out: string;
  node: string[];
  nodeAddress: string[];
  apiserverName: string[];
  force?: boolean;
}

const repeatable = (value: string, previous: string[]): string[] => [...previous, value];

/** `kubetls certs`: write a lab PKI; the flags map one to one onto writeLabPki's options. */
export function registerCertsCommand(program: Command): void {
  program
    .command("certs")
    .description(
      "write a throwaway lab PKI laid out like kubeadm's (CA, API server, kubelet and client certs)",
    )
    .option("--out <dir>", "directory to write (created 0700 if missing)", "certs")
    .option(
      "--node <name>",
      "node to mint a kubelet serving and client cert for (repeatable; default node1)",
      repeatable,
      [],
    )
    .option(
      "--node-address <ip>",
      "IP SAN of a kubelet serving cert: the Nth belongs to the Nth --node, all of them to a single node",
      repeatable,
      [],
    )
    .option(
      "--apiserver-name <name|ip>",
      "extra SAN of the API server cert (repeatable; default localhost and 127.0.0.1)",
      repeatable,
      [],
    )
    .option("--force", "replace the files of an existing PKI in the directory")
    .action(async (flags: CertsFlags) => {
      // Loaded when the command runs: minting needs node-forge, which `kubetls --help` must not load.
      const { writeLabPki } = await import("../certs/index.js");
      const written = await writeLabPki(flags.out, {
        nodeNames: flags.node,
        nodeAddresses: flags.nodeAddress,
        apiserverNames: flags.apiserverName.length > 0 ? flags.apiserverName : undefined,
        force: flags.force === true,
      });
      const shown = written.map((path) => relative(process.cwd(), path) || path);
      process.stdout.write(
        `wrote a lab PKI to ${flags.out} (private keys mode 0600; index.json describes every file):\n` +
          shown.map((path) => `  ${path}\n`).join("") +
          `\nScan with:  kubetls scan TARGETS --ca-file ${flags.out}/ca.crt ` +
          `--client-cert ${flags.out}/apiserver-kubelet-client.crt --client-key ${flags.out}/apiserver-kubelet-client.key\n`,
      );
    });
}
