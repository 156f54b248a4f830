/** What correlate needs of a probe: a loaded `Probe` fits. */
export interface ProbeControls {
  id: string;
  title?: string;
  /** Benchmark id -> control ids. */
  controls: Readonly<Record<string, readonly string[]>>;
}
