import { PortListError } from "./errors.js";
import { type ParseResult, parsed, rejected } from "./parseResult.js";

/** `"10250,10251"` -> `[10250, 10251]`; `""` -> `[]` (the role is disabled). Duplicates are dropped. */
export function parsePortList(text: string): number[] {
  if (text.trim() === "") return [];
  const ports = new Set<number>();
  for (const entry of text.split(",")) {
    const port = parsePort(entry.trim());
    if (!port.ok) throw new PortListError(text, port.reason);
    ports.add(port.value);
  }
  return [...ports];
}

export function parsePort(text: string): ParseResult<number> {
  if (text === "") return rejected("empty port");
  if (!/^\d+$/.test(text)) return rejected(`port ${JSON.stringify(text)} is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) return rejected(`port ${text} out of range (1-65535)`);
  return parsed(port);
}
