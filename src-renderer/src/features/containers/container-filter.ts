import type { ContainerSummary } from '../../../../src-preload/contract/containers'

/**
 * The host page's filter: every space-separated term must match. `key=value` matches a label exactly;
 * any other term matches a name or an image (substring), a state (exactly) or a label key (exactly).
 * Case-insensitive, except label values, which Docker compares as they are.
 */
export function matchesFilter(container: ContainerSummary, filter: string): boolean {
  const terms = filter.trim().split(/\s+/).filter(Boolean)
  return terms.every((term) => matchesTerm(container, term))
}

function matchesTerm(container: ContainerSummary, term: string): boolean {
  const equals = term.indexOf('=')
  if (equals > 0) {
    const key = term.slice(0, equals)
    return (
      Object.prototype.hasOwnProperty.call(container.labels, key) && container.labels[key] === term.slice(equals + 1)
    )
  }
  const lower = term.toLowerCase()
  return (
    container.name.toLowerCase().includes(lower) ||
    container.image.toLowerCase().includes(lower) ||
    container.state.toLowerCase() === lower ||
    Object.keys(container.labels).some((key) => key.toLowerCase() === lower)
  )
}
