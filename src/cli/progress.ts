import type { EndpointResult } from "../model/index.js";

/** Endpoints done, rate and findings so far, redrawn on one stderr line; silent unless asked for. */
export interface ProgressReporter {
  onEndpoint(endpoint: EndpointResult): void;
  finish(): void;
}

const SILENT: ProgressReporter = { onEndpoint: () => {}, finish: () => {} };
const REDRAW_MS = 250;

/**
 * On a terminal by default; with --progress anywhere; never under --quiet, nor in CI (CI=true) unless
 * --progress asks for it, so logs stay clean.
 */
export function progressReporter(options: {
  progress: boolean;
  quiet: boolean;
  total: bigint | null;
}): ProgressReporter {
  const stderr = process.stderr;
  const wanted = options.progress || (stderr.isTTY === true && process.env.CI !== "true");
  if (options.quiet || !wanted) return SILENT;
  const started = performance.now();
  let done = 0;
  let failing = 0;
  let warning = 0;
  let lastDraw = 0;
  const draw = (final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const total = options.total === null ? "" : `/${options.total}`;
    const line = `kubetls: ${done}${total} endpoints, ${rate}/s, FAIL ${failing}, WARN ${warning}`;
    stderr.write(stderr.isTTY ? `\r${line}\x1b[K${final ? "\n" : ""}` : `${line}\n`);
  };
  return {
    onEndpoint(endpoint) {
      done += 1;
      for (const check of endpoint.checks) {
        if (check.status === "FAIL") failing += 1;
        if (check.status === "WARN") warning += 1;
      }
      const now = performance.now();
      if (now - lastDraw >= (stderr.isTTY ? REDRAW_MS : 5_000)) {
        lastDraw = now;
        draw(false);
      }
    },
    finish: () => draw(true),
  };
}
