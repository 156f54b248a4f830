/** The few SGR styles the table uses, each with its own reset so styles never leak into padding. */
export type Style = "red" | "green" | "yellow" | "cyan" | "magenta" | "dim" | "bold";

const SGR: Record<Style, [open: number, close: number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export function paint(text: string, style: Style): string {
  const [open, close] = SGR[style];
  return `\x1b[${open}m${text}\x1b[${close}m`;
}

/**
 * Colour for people at a terminal. `NO_COLOR` (any non-empty value, no-color.org) wins; then
 * `FORCE_COLOR` turns it on unless it is "0" or "false"; otherwise only a TTY gets colour.
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  return stream.isTTY === true;
}
