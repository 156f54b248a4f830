import type { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { InputError } from "../model/index.js";
import { parseCertificate } from "./certificate.js";

/** A CA bundle that cannot be used; `source` names the file (or whatever text was parsed). */
export class CaBundleError extends InputError {
  constructor(
    readonly source: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super("KUBETLS_ERR_CA_BUNDLE", `CA bundle ${source}: ${problem}`, options);
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Reads every file in order; the certificates of all of them, duplicates dropped. */
export async function loadCaBundle(paths: readonly string[]): Promise<X509Certificate[]> {
  const bundles = await Promise.all(
    paths.map(async (path) => parsePemBundle(await readBundleFile(path), path)),
  );
  const seen = new Set<string>();
  return bundles.flat().filter((certificate) => {
    if (seen.has(certificate.fingerprint256)) return false;
    seen.add(certificate.fingerprint256);
    return true;
  });
}

async function readBundleFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT"
        ? "file not found"
        : code === "EISDIR"
          ? "is a directory, not a PEM file"
          : code === "EACCES"
            ? "permission denied"
            : `cannot be read (${(error as Error).message})`;
    throw new CaBundleError(path, problem, { cause: error });
  }
}

/**
 * One or more PEM `CERTIFICATE` blocks; other blocks (a key pasted alongside) are ignored. Each certificate is
 * decoded the way the validator will decode it, so a bad anchor fails here, naming its file.
 */
export function parsePemBundle(text: string, sourceName: string): X509Certificate[] {
  if (text.trim() === "") throw new CaBundleError(sourceName, "is empty");
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const certificateBlocks = blocks.filter((block) => block[1] === "CERTIFICATE");
  if (certificateBlocks.length === 0) {
    const labels = [...new Set(blocks.map((block) => block[1]))];
    const found = labels.length > 0 ? ` (found ${labels.join(", ")})` : "";
    throw new CaBundleError(sourceName, `contains no PEM certificates${found}`);
  }
  return certificateBlocks.map((block, index) => {
    const der = Buffer.from(block[2] ?? "", "base64");
    try {
      return parseCertificate(der).x509;
    } catch (error) {
      throw new CaBundleError(sourceName, `certificate #${index + 1} is not a valid X.509 certificate`, {
        cause: error,
      });
    }
  });
}
