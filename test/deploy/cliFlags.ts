import { runCli } from "../support/cli.js";

/** One kubetls invocation as a manifest spells it: the argv after the image's ENTRYPOINT. */
export interface Invocation {
  where: string;
  args: string[];
}

/** `--flag` and `-f` tokens; option values, targets and paths are not flags. */
export function flagsOf(args: readonly string[]): string[] {
  return args.filter((arg) => /^--?[A-Za-z]/.test(arg)).map((arg) => arg.split("=")[0] as string);
}

const helpCache = new Map<string, Promise<string>>();

function helpOf(subcommand: string): Promise<string> {
  let help = helpCache.get(subcommand);
  if (!help) {
    help = runCli([subcommand, "--help"]).then((run) => run.stdout);
    helpCache.set(subcommand, help);
  }
  return help;
}

function helpHasFlag(help: string, flag: string): boolean {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Option lines look like "  -o, --output <file>  ..." or "  --ca-file <file>  ...".
  return (
    new RegExp(`^\\s+(?:-\\w, )?${escaped}(?:[ ,=<[]|$)`, "m").test(help) ||
    new RegExp(`^\\s+${escaped}, --`, "m").test(help)
  );
}

/**
 * What the built CLI does not accept, as "where: kubetls SUB --flag" lines: an unknown subcommand (its
 * `--help` is the root's) or a flag missing from the subcommand's help.
 */
export async function unsupportedFlags(invocations: readonly Invocation[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, args } of invocations) {
    const subcommand = args[0];
    if (subcommand === undefined || subcommand.startsWith("-")) {
      problems.push(`${where}: no kubetls subcommand in ${JSON.stringify(args)}`);
      continue;
    }
    const help = await helpOf(subcommand);
    if (!new RegExp(`^Usage: kubetls ${subcommand}\\b`, "m").test(help)) {
      problems.push(`${where}: kubetls has no "${subcommand}" command`);
      continue;
    }
    for (const flag of flagsOf(args.slice(1))) {
      if (!helpHasFlag(help, flag)) problems.push(`${where}: kubetls ${subcommand} has no ${flag}`);
    }
  }
  return [...new Set(problems)];
}
