/**
 * The y axis of a live chart: from 0 to a little above the highest value, but never below `minTop`,
 * so a quiet container does not look busy and an idle one gets an axis of 0 to 16 MiB rather than
 * 0 B to 1 B (whose ticks all read "1 B").
 */
export function yRange(max: number | null | undefined, minTop: number): [number, number] {
  const top = Number.isFinite(max) && (max as number) > 0 ? (max as number) * 1.15 : 0
  return [0, Math.max(minTop, top, 1)]
}
