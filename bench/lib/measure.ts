/** Small timing harness for `npm run bench`: samples, percentiles, and a table with ratios to a baseline. */
export interface Measurement {
  name: string
  samples: number[]
}

export async function measure(
  name: string,
  fn: () => Promise<unknown>,
  options: { iterations: number; warmup?: number },
): Promise<Measurement> {
  for (let i = 0; i < (options.warmup ?? 10); i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < options.iterations; i++) {
    const start = process.hrtime.bigint()
    await fn()
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return { name, samples }
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

const ms = (value: number): string => `${value.toFixed(2)} ms`

/** Prints median, p95, p99 and the median's ratio to `baseline`, as one table. */
export function printLatencyTable(title: string, rows: Measurement[], baseline: string): void {
  const base = percentile(rows.find((r) => r.name === baseline)!.samples, 50)
  console.log(`\n${title}`)
  console.table(
    rows.map((row) => ({
      path: row.name,
      n: row.samples.length,
      median: ms(percentile(row.samples, 50)),
      p95: ms(percentile(row.samples, 95)),
      p99: ms(percentile(row.samples, 99)),
      [`median / ${baseline}`]: `${(percentile(row.samples, 50) / base).toFixed(2)}×`,
    })),
  )
}
