import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A bearer token that does not leak by accident: JSON, `String()`, template literals and
 * `util.inspect` (console.log, vitest diffs) all show `[redacted]`. The raw value lives in an ECMAScript
 * private field, so no property enumeration, spread or structured clone copies it either; the one way
 * out is `reveal()`, called where the token goes on the wire.
 */
export class BearerToken {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw token, for the Authorization header and nothing else. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
