import { LABELS, type Drift, type ServiceState, type ServiceStatus } from '../../../src-preload/contract/projects'
import type { ServiceRecord } from './project-store'

/** What the engine says about a service's container, read from one inspect. */
export interface ContainerObservation {
  id: string
  name: string
  /** The engine's `State.Status`: created, running, paused, restarting, removing, exited, dead. */
  status: string
  health: 'starting' | 'healthy' | 'unhealthy' | null
  exitCode: number | null
  startedAt: string | null
  imageId: string | null
  imageDigest: string | null
  labels: Record<string, string>
  createdAt: string
}

/** A service's last observation; `container` null means the engine has no container for it. */
export interface Observed {
  container: ContainerObservation | null
  /** False when the host could not be asked (unreachable): the container is the last known one. */
  live: boolean
}

const ZERO_TIME = /^0001-01-01/

export function observationFromInspect(
  info: Record<string, unknown>,
  imageDigest: string | null,
): ContainerObservation {
  const state = (info.State ?? {}) as {
    Status?: string
    ExitCode?: number
    StartedAt?: string
    Health?: { Status?: string }
  }
  const config = (info.Config ?? {}) as { Labels?: Record<string, string> | null }
  const health = state.Health?.Status
  const startedAt = state.StartedAt && !ZERO_TIME.test(state.StartedAt) ? state.StartedAt : null
  return {
    id: String(info.Id ?? ''),
    name: String(info.Name ?? '').replace(/^\//, ''),
    status: state.Status ?? 'created',
    health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : null,
    exitCode: typeof state.ExitCode === 'number' && state.Status !== 'running' ? state.ExitCode : null,
    startedAt,
    imageId: typeof info.Image === 'string' ? info.Image : null,
    imageDigest,
    labels: config.Labels ?? {},
    createdAt: String(info.Created ?? ''),
  }
}

/** A row of `GET /containers/json`: no start time and no digest, but enough for the state, health and exit code. */
export interface ContainerRow {
  Id: string
  Names?: string[]
  State?: string
  Status?: string
  ImageID?: string
  Labels?: Record<string, string>
  Created?: number
}

/**
 * An observation from a list row, so a first view needs one list call instead of an inspect per container; the
 * start time and digest follow from the inspects (or are kept from an earlier observation of the same container).
 */
export function observationFromRow(row: ContainerRow, before: ContainerObservation | null): ContainerObservation {
  const status = row.State ?? 'created'
  const text = row.Status ?? ''
  const health = /\(healthy\)/.test(text)
    ? 'healthy'
    : /\(unhealthy\)/.test(text)
      ? 'unhealthy'
      : /health: starting/.test(text)
        ? 'starting'
        : null
  const exited = /^Exited \((-?\d+)\)/.exec(text)
  const same = before !== null && before.id === row.Id && before.status === status
  return {
    id: row.Id,
    name: (row.Names?.[0] ?? '').replace(/^\//, ''),
    status,
    health,
    exitCode: exited && status !== 'running' ? Number(exited[1]) : null,
    startedAt: same ? before.startedAt : null,
    imageId: row.ImageID ?? null,
    imageDigest: same ? before.imageDigest : null,
    labels: row.Labels ?? {},
    createdAt: same ? before.createdAt : new Date((row.Created ?? 0) * 1000).toISOString(),
  }
}

function stateOf(container: ContainerObservation): ServiceState {
  switch (container.status) {
    case 'running':
      return container.health === 'unhealthy' ? 'unhealthy' : 'running'
    case 'restarting':
    case 'paused':
    case 'created':
      return container.status
    default:
      // exited, dead, and removing (on its way to missing)
      return 'exited'
  }
}

const shortId = (id: string): string => id.slice(0, 12)

/**
 * Spec, record and observation together: the state shown and how the engine drifted from what glinrdock applied.
 * A service never deployed (no applied hash) has no drift: it is simply not running yet.
 */
export function serviceStatus(record: ServiceRecord, observed: Observed | undefined): ServiceStatus {
  const container = observed?.container ?? null
  const live = observed?.live ?? false
  const drift: Drift[] = []
  const deployed = record.appliedHash !== null
  if (!container) {
    if (deployed && record.desiredState === 'running' && live)
      drift.push({ kind: 'removed', message: 'Its container was removed outside glinrdock' })
    return {
      state: 'missing',
      containerId: null,
      containerName: null,
      imageId: null,
      imageDigest: null,
      startedAt: null,
      health: null,
      exitCode: null,
      drift,
      live,
    }
  }
  const state = stateOf(container)
  const carried = container.labels[LABELS.specHash] ?? (record.origin === 'adopted' ? record.appliedHash : null)
  if (deployed && carried !== record.specHash)
    drift.push({ kind: 'spec_changed', message: 'The spec changed since it was deployed; re-apply to recreate it' })
  // A container a glinrdock deployment made is no replacement from outside: it is the swap in progress.
  const swapping = container.labels[LABELS.deployment] !== undefined
  if (deployed && record.containerId !== null && container.id !== record.containerId && !swapping)
    drift.push({
      kind: 'replaced',
      message: `Container ${shortId(container.id)} replaced ${shortId(record.containerId)} outside glinrdock`,
    })
  if (deployed && record.desiredState === 'running' && (state === 'exited' || state === 'created'))
    drift.push({
      kind: 'stopped',
      message:
        container.exitCode === null
          ? 'It is not running, but glinrdock last started it'
          : `It stopped (exit code ${container.exitCode}), but glinrdock last started it`,
    })
  return {
    state,
    containerId: container.id,
    containerName: container.name,
    imageId: container.imageId,
    imageDigest: container.imageDigest,
    startedAt: container.startedAt,
    health: container.health,
    exitCode: container.exitCode,
    drift,
    live,
  }
}

/**
 * The container that stands for a service when several match (a recreate in progress, a copy made by hand):
 * the one glinrdock recorded, else a running one, else the newest.
 */
export function pickContainer(
  candidates: ContainerObservation[],
  recordedId: string | null,
): ContainerObservation | null {
  if (candidates.length === 0) return null
  const recorded = candidates.find((c) => c.id === recordedId)
  if (recorded && recorded.status === 'running') return recorded
  const running = candidates.filter((c) => c.status === 'running')
  const pool = running.length > 0 ? running : recorded ? [recorded] : candidates
  return [...pool].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]!
}
