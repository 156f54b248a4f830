/** Parsers report what is wrong as data; the caller knows which input to quote and which error to throw. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parsed<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function rejected<T>(reason: string): ParseResult<T> {
  return { ok: false, reason };
}
