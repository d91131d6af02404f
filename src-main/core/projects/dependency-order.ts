import { AppError } from '../shared/app-error'

interface Node {
  name: string
  dependsOn: string[]
}

/** One cycle among services that could not be ordered, as `a → b → a`, found by walking dependencies. */
function findCycle<T extends Node>(left: Map<string, T>): string[] {
  const start = left.keys().next().value as string
  const path: string[] = []
  const onPath = new Map<string, number>()
  let current = start
  // Every service left depends on at least one other service left, so this walk must come back to its path.
  while (!onPath.has(current)) {
    onPath.set(current, path.length)
    path.push(current)
    current = left.get(current)!.dependsOn.find((dep) => left.has(dep))!
  }
  return [...path.slice(onPath.get(current)), current]
}

/**
 * Levels of services to start together; each level depends only on earlier ones. Within a level the input order
 * is kept. Throws a `validation` error on `dependsOn` for an unknown service name or a cycle (naming it).
 */
export function startLevels<T extends Node>(services: T[]): T[][] {
  const byName = new Map<string, T>()
  for (const service of services) {
    if (byName.has(service.name))
      throw new AppError('validation', `Two services are named ${service.name}`, 'dependsOn')
    byName.set(service.name, service)
  }
  for (const service of services) {
    const unknown = service.dependsOn.find((dep) => !byName.has(dep))
    if (unknown !== undefined)
      throw new AppError(
        'validation',
        `${service.name} depends on ${unknown}, which is not a service here`,
        'dependsOn',
      )
  }

  const levels: T[][] = []
  const left = new Map(byName)
  while (left.size > 0) {
    const ready = [...left.values()].filter((service) => service.dependsOn.every((dep) => !left.has(dep)))
    if (ready.length === 0) {
      const cycle = findCycle(left)
      throw new AppError('validation', `Services depend on each other in a cycle: ${cycle.join(' → ')}`, 'dependsOn')
    }
    for (const service of ready) left.delete(service.name)
    levels.push(ready)
  }
  return levels
}

/** The order to stop in: dependents before what they depend on. */
export function stopLevels<T extends Node>(services: T[]): T[][] {
  return startLevels(services).reverse()
}
