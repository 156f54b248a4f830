import type { EndpointResult, PortState } from "../model/index.js";

/** Progress of a scan on one stderr line: done, percent, rate, elapsed, ETA, open ports and findings. */
export interface ProgressReporter {
  /** An endpoint's port state is known (every endpoint, open or not). */
  onSettled(state: PortState): void;
  /** A judged endpoint's record is complete (its findings join the counts). */
  onEndpoint(endpoint: EndpointResult): void;
  /** Writes something else to stderr without tearing the progress line. */
  interrupt(write: () => void): void;
  /** The last line; once. */
  finish(): void;
}

const REDRAW_MS = 250;
const LOG_EVERY_MS = 5_000;

function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * The line, from plain numbers so it can be tested alone. With a known total: percent and ETA at the
 * rate so far; without one (targets from -f files or stdin), it says the total is unknown.
 */
export function progressLine(figures: {
  done: number;
  total: bigint | null;
  elapsedSeconds: number;
  open: number;
  failing: number;
  warning: number;
}): string {
  const { done, total, elapsedSeconds } = figures;
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const parts: string[] = [];
  if (total === null || total === 0n) {
    parts.push(`${done} endpoints (total unknown: targets are read as they come)`);
  } else {
    const whole = Number(total);
    const percent = Math.min(100, (done / whole) * 100);
    parts.push(`${done}/${total} endpoints ${percent.toFixed(percent < 10 ? 1 : 0)}%`);
  }
  parts.push(`${Math.round(rate)}/s`, `elapsed ${clock(elapsedSeconds)}`);
  if (total !== null && total > 0n) {
    const left = Math.max(0, Number(total) - done);
    parts.push(rate > 0 ? `ETA ${clock(left / rate)}` : "ETA unknown");
  }
  parts.push(`open ${figures.open}`, `FAIL ${figures.failing}`, `WARN ${figures.warning}`);
  return `kubetls: ${parts.join(", ")}`;
}

const SILENT: ProgressReporter = {
  onSettled: () => {},
  onEndpoint: () => {},
  interrupt: (write) => write(),
  finish: () => {},
};

/**
 * On a terminal by default; with --progress anywhere; never under --quiet, nor in CI (CI=true) unless
 * --progress asks for it, so logs stay clean. On a terminal the line is redrawn in place; elsewhere a
 * line every few seconds.
 */
export function progressReporter(options: {
  progress: boolean;
  quiet: boolean;
  total: bigint | null;
}): ProgressReporter {
  const stderr = process.stderr;
  const wanted = options.progress || (stderr.isTTY === true && process.env.CI !== "true");
  if (options.quiet || !wanted) return SILENT;
  const tty = stderr.isTTY === true;
  const started = performance.now();
  let done = 0;
  let open = 0;
  let failing = 0;
  let warning = 0;
  let lastDraw = 0;
  let finished = false;
  const line = () =>
    progressLine({
      done,
      total: options.total,
      elapsedSeconds: (performance.now() - started) / 1000,
      open,
      failing,
      warning,
    });
  const draw = (final: boolean) => {
    stderr.write(tty ? `\r${line()}\x1b[K${final ? "\n" : ""}` : `${line()}\n`);
  };
  const maybeDraw = () => {
    const now = performance.now();
    if (now - lastDraw >= (tty ? REDRAW_MS : LOG_EVERY_MS)) {
      lastDraw = now;
      draw(false);
    }
  };
  return {
    onSettled(state) {
      done += 1;
      if (state === "open") open += 1;
      maybeDraw();
    },
    onEndpoint(endpoint) {
      for (const check of endpoint.checks) {
        if (check.status === "FAIL") failing += 1;
        if (check.status === "WARN") warning += 1;
      }
    },
    interrupt(write) {
      if (tty && lastDraw > 0 && !finished) stderr.write("\r\x1b[K");
      write();
      if (tty && lastDraw > 0 && !finished) draw(false);
    },
    finish() {
      if (finished) return;
      finished = true;
      draw(true);
    },
  };
}
