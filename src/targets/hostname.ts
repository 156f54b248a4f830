const MAX_HOSTNAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * RFC 1123 host name check (labels of letters, digits and inner hyphens, 1-63 characters each, 253 in all,
 * one trailing dot allowed). Returns what is wrong, or undefined when the name is fine.
 */
export function hostnameProblem(name: string): string | undefined {
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  if (bare === "") return "empty host name";
  if (bare.length > MAX_HOSTNAME_LENGTH) {
    return `host name is ${bare.length} characters long, more than ${MAX_HOSTNAME_LENGTH}`;
  }
  const labels = bare.split(".");
  for (const label of labels) {
    if (label === "") return "empty label (two dots in a row, or a leading dot)";
    if (label.length > MAX_LABEL_LENGTH) {
      return `label "${label.slice(0, 16)}..." is ${label.length} characters long, more than ${MAX_LABEL_LENGTH}`;
    }
    const badCharacter = /[^A-Za-z0-9-]/.exec(label);
    if (badCharacter) {
      return `character ${JSON.stringify(badCharacter[0])} not allowed in a host name (letters, digits, '-')`;
    }
    if (label.startsWith("-") || label.endsWith("-")) return `label "${label}" starts or ends with '-'`;
  }
  // An all-numeric top label is never a real name, and nearly always a mistyped address.
  if (/^\d+$/.test(labels.at(-1) ?? ""))
    return "last label is all digits: not a host name, nor an IP address";
  return undefined;
}

/** The form two spellings of one DNS name share: DNS is case-insensitive and the root dot is implied. */
export function normaliseHostname(name: string): string {
  return (name.endsWith(".") ? name.slice(0, -1) : name).toLowerCase();
}
