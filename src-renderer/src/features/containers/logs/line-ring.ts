/** A fixed-capacity ring: pushing beyond the capacity drops the oldest entries. */
export class LineRing<T> {
  private readonly items: (T | undefined)[]
  private start = 0
  private count = 0

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.count
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity
    this.items[end] = item
    if (this.count < this.capacity) this.count++
    else this.start = (this.start + 1) % this.capacity
  }

  /** Oldest first; `limit` takes only the first `limit` entries. */
  toArray(limit = this.count): T[] {
    const out: T[] = []
    for (let i = 0; i < Math.min(limit, this.count); i++) out.push(this.items[(this.start + i) % this.capacity]!)
    return out
  }

  clear(): void {
    this.items.fill(undefined)
    this.start = 0
    this.count = 0
  }
}
