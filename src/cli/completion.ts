import type { Command } from "commander";
import { UsageError } from "./exitCodes.js";

export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof COMPLETION_SHELLS)[number];

interface CommandWords {
  name: string;
  description: string;
  flags: { name: string; description: string }[];
}

/** The commands and their flags, read from the program itself so a new flag completes without edits here. */
function commandWords(program: Command): CommandWords[] {
  return program.commands.map((command) => ({
    name: command.name(),
    description: command.description(),
    flags: command.options.flatMap((option) => [
      ...(option.long ? [{ name: option.long, description: option.description }] : []),
      ...(option.short ? [{ name: option.short, description: option.description }] : []),
    ]),
  }));
}

const singleQuoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bash(commands: CommandWords[]): string {
  const cases = commands
    .map(
      (command) =>
        `    ${command.name}) flags=${singleQuoted(command.flags.map((flag) => flag.name).join(" "))} ;;`,
    )
    .join("\n");
  return `# kubetls completion for bash: eval "$(kubetls completion bash)", or save it under bash-completion's completions/
_kubetls() {
  local current=\${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${singleQuoted(commands.map((command) => command.name).join(" "))} -- "$current"))
    return
  fi
  local flags=""
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [[ "$current" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$current"))
  else
    COMPREPLY=($(compgen -f -- "$current"))
  fi
}
complete -o filenames -F _kubetls kubetls
`;
}

function zsh(commands: CommandWords[]): string {
  const described = (name: string, description: string) =>
    singleQuoted(`${name}[${description.replace(/[[\]]/g, "")}]`);
  const cases = commands
    .map(
      (command) =>
        `    ${command.name}) _arguments ${command.flags
          .filter((flag) => flag.name.startsWith("--"))
          .map((flag) => described(flag.name, flag.description))
          .join(" ")} '*:file:_files' ;;`,
    )
    .join("\n");
  return `#compdef kubetls
# kubetls completion for zsh: kubetls completion zsh > "\${fpath[1]}/_kubetls", or eval it after compinit
_kubetls() {
  if (( CURRENT == 2 )); then
    local -a commands
    commands=(${commands.map((command) => singleQuoted(`${command.name}:${command.description}`)).join(" ")})
    _describe command commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case "\${words[1]}" in
${cases}
  esac
}
compdef _kubetls kubetls
`;
}

function fish(commands: CommandWords[]): string {
  const lines = [
    "# kubetls completion for fish: kubetls completion fish > ~/.config/fish/completions/kubetls.fish",
    "complete -c kubetls -f",
  ];
  const names = commands.map((command) => command.name).join(" ");
  for (const command of commands) {
    lines.push(
      `complete -c kubetls -n "not __fish_seen_subcommand_from ${names}" -a ${command.name} -d ${singleQuoted(command.description)}`,
    );
    for (const flag of command.flags.filter((candidate) => candidate.name.startsWith("--"))) {
      lines.push(
        `complete -c kubetls -n "__fish_seen_subcommand_from ${command.name}" -l ${flag.name.slice(2)} -d ${singleQuoted(flag.description)} -F`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function completionScript(program: Command, shell: string): string {
  const chosen = shell.toLowerCase() as Shell;
  if (!COMPLETION_SHELLS.includes(chosen)) {
    throw new UsageError(`completion takes ${COMPLETION_SHELLS.join(", ")}, got "${shell}"`);
  }
  const commands = commandWords(program);
  return { bash, zsh, fish }[chosen](commands);
}

/** `kubetls completion bash|zsh|fish`: prints the script; the README says where each shell wants it. */
export function registerCompletionCommand(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script: bash, zsh or fish")
    .argument("<shell>", COMPLETION_SHELLS.join("|"))
    .action((shell: string) => {
      process.stdout.write(completionScript(program, shell));
    });
}
