import { InputError } from "../model/index.js";
/**
 * Everything the user typed that kubetls cannot turn into endpoints. The CLI maps any `TargetError` to a
 * usage error (exit 2); a targets file turns the same errors into `invalid` items instead, so one bad line
 * does not stop a scan.
 */
export abstract class TargetError extends InputError {
  /** The exact text the user gave, so a message can quote it. */
  readonly input: string;
  /** What is wrong, without the quoted input: the part worth showing next to a `file:line`. */
  readonly reason: string;

  protected constructor(
    input: string,
    reason: string,
    message: string,
    code: "KUBETLS_ERR_TARGET" | "KUBETLS_ERR_TARGET_FILE" = "KUBETLS_ERR_TARGET",
  ) {
    super(code, message);
    this.input = input;
    this.reason = reason;
  }
}

/** `invalid target "10.0.0.300": octet 300 out of range (0-255)` */
export class TargetSyntaxError extends TargetError {
  /** What the text was meant to be ("target", "exclusion", ...), so the same parser serves every flag. */
  readonly entryName: string;

  constructor(input: string, reason: string, entryName = "target") {
    super(input, reason, `invalid ${entryName} ${JSON.stringify(input)}: ${reason}`);
    this.entryName = entryName;
  }
}

/** One expression covering more addresses than the size guard allows without `--allow-large`. */
export class TargetTooLargeError extends TargetError {
  readonly addressCount: bigint;
  readonly limit: bigint;

  constructor(input: string, addressCount: bigint, limit: bigint, limitAsPrefix: string) {
    const reason =
      `covers ${addressCount.toLocaleString("en-US")} addresses, more than the limit of ` +
      `${limit.toLocaleString("en-US")} (${limitAsPrefix}) for one expression: a mistyped mask can mean ` +
      "millions of connections to hosts you do not own; pass --allow-large if you mean it";
    super(input, reason, `target ${JSON.stringify(input)} ${reason}`);
    this.addressCount = addressCount;
    this.limit = limit;
  }
}

/** `invalid port list "10250,0": port 0 out of range (1-65535)` */
export class PortListError extends TargetError {
  constructor(input: string, reason: string) {
    super(input, reason, `invalid port list ${JSON.stringify(input)}: ${reason}`);
  }
}

/** A targets file that cannot be opened or read at all (as opposed to a bad line inside it). */
export class TargetFileError extends TargetError {
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      path,
      reason,
      `cannot read targets file ${JSON.stringify(path)}: ${reason}`,
      "KUBETLS_ERR_TARGET_FILE",
    );
    this.cause = cause;
  }
}
