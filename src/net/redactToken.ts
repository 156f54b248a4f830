const REDACTED = "[redacted]";

/**
 * Replaces every whole occurrence of the token, and a trailing piece of it (at least 4 characters) where a
 * cut or a size cap ended the text in the middle of one.
 */
export function redactToken(text: string, token: string): string {
  const whole = text.replaceAll(token, REDACTED);
  for (let length = token.length - 1; length >= 4; length--) {
    if (whole.endsWith(token.slice(0, length))) return `${whole.slice(0, whole.length - length)}${REDACTED}`;
  }
  return whole;
}
