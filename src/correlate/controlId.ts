/** Numeric order of dotted control ids: 1.2.9 before 1.2.10, 1.2 before 1.2.1. */
export function compareControlIds(a: string, b: string): number {
  const left = a.split(".");
  const right = b.split(".");
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const l = left[index] as string;
    const r = right[index] as string;
    const difference = Number(l) - Number(r);
    if (Number.isNaN(difference)) {
      if (l !== r) return l < r ? -1 : 1;
    } else if (difference !== 0) {
      return difference;
    }
  }
  return left.length - right.length;
}
