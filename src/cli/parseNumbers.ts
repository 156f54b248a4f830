import { UsageError } from "./exitCodes.js";

export function positiveInteger(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0)
      throw new UsageError(`${flag} takes a positive whole number, got "${value}"`);
    return parsed;
  };
}

export function nonNegativeInteger(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === "" || !Number.isInteger(parsed) || parsed < 0)
      throw new UsageError(`${flag} takes a whole number of 0 or more, got "${value}"`);
    return parsed;
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
