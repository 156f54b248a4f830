#!/usr/bin/env node
// Adds lock entries for optional, platform-specific packages that `npm install` could not record because
// the registry this project is built against does not serve other platforms' builds (rollup's and biome's
// native binaries). Without them `npm ci` refuses the lock ("Missing: ... from lock file"). Each entry
// carries the os/cpu/libc its name declares, so npm skips it on every other platform without a fetch.
// Run after any `npm install` that rewrites package-lock.json: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const OS = [
  "android",
  "darwin",
  "freebsd",
  "linux",
  "openbsd",
  "openharmony",
  "win32",
  "sunos",
  "aix",
  "netbsd",
];
const CPU = {
  arm64: "arm64",
  x64: "x64",
  ia32: "ia32",
  arm: "arm",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
  mips64el: "mips64el",
};

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    if (packages[target] !== undefined) continue;
    const tokens = name.split("/").pop().split("-");
    const os = tokens.find((token) => OS.includes(token));
    const cpu = tokens.map((token) => CPU[token]).find(Boolean);
    if (!os || !cpu || !/^\d+\.\d+\.\d+/.test(version)) {
      console.error(
        `complete-lockfile: cannot tell the platform of ${name}@${version} (needed by ${location || "the root"})`,
      );
      process.exitCode = 1;
      continue;
    }
    const libc =
      os === "linux"
        ? tokens.includes("musl") || tokens.some((token) => token.startsWith("musl"))
          ? "musl"
          : "glibc"
        : null;
    packages[target] = {
      version,
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: ${added} platform entries added`);
