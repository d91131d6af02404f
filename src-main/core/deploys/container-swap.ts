import type Dockerode from 'dockerode'
import type { DeploymentStrategy, HealthEvidence } from '../../../src-preload/contract/cicd'
import { mapDockerError } from '../../infra/docker'
import type { ContainerPlan } from '../projects/container-config'
import { createContainer, removeContainer, renameContainer } from '../projects/reconciler'
import type { ContainerRow } from '../projects/service-status'
import { AppError } from '../shared/app-error'
import { collectEvidence, healthGate, type GateResult } from './health-gate'
import { drain, type TrafficSwitch } from './traffic-switch'

const STOP_TIMEOUT_SECONDS = 10

/** A deployment that did not make its new container serve: the record keeps the code, message and evidence. */
export class DeployFailure extends AppError {
  constructor(
    code: AppError['code'],
    message: string,
    readonly health: HealthEvidence | null,
    readonly canceled = false,
  ) {
    super(code, message)
  }
}

export interface SwapInput {
  docker: Dockerode
  plan: ContainerPlan
  /** The service's containers before the swap (the running one is the one to replace). */
  existing: ContainerRow[]
  /** A short id for the temporary name (the deployment's). */
  tag: string
  stableMs: number
  /** Set when the proxy routes to the service: traffic moves to the new container before the old one stops. */
  traffic: TrafficSwitch | null
  signal: AbortSignal
  log(line: string): void
  /** Steps as they happen, for the job's progress (and for tests to read the order from the job log). */
  step(percent: number, message: string): void
}

export interface SwapResult {
  containerId: string
  strategy: DeploymentStrategy
  health: HealthEvidence
}

/** A spec that binds a fixed host port can run one container at a time: the old one has to stop first. */
export function strategyFor(plan: ContainerPlan): DeploymentStrategy {
  const bindings = (plan.body.HostConfig as { PortBindings?: Record<string, { HostPort: string }[]> }).PortBindings
  const fixed = Object.values(bindings ?? {}).some((list) => list.some((b) => b.HostPort !== '' && b.HostPort !== '0'))
  return fixed ? 'stop-first' : 'start-first'
}

/**
 * Replaces a service's container with the plan's, health-gated. Start-first: the new container starts beside the
 * old one under a temporary name (same network alias), and the old one goes only once the new one passed; then
 * the new one takes the canonical name. Stop-first: the old one is renamed aside and stopped, the new one starts
 * under the canonical name, and if it does not pass it is removed and the old one renamed back and started.
 * Whatever fails or is canceled, the old container serves again and no new container stays behind.
 *
 * Behind the proxy (start-first), the new container gets the traffic by a safe apply once it passed, the old one
 * drains its open requests, and only then stops: no request fails. A proxy that refuses the switch fails the
 * deployment with its error, and the old container keeps the traffic it never lost.
 */
export async function swapContainer(input: SwapInput): Promise<SwapResult> {
  const strategy = strategyFor(input.plan)
  return strategy === 'start-first' ? startFirst(input) : stopFirst(input)
}

async function startFirst(input: SwapInput): Promise<SwapResult> {
  const { docker, plan, existing } = input
  const temporary = `${plan.name}-${input.tag}`
  const nothing = async (): Promise<void> => undefined
  const created = await startAndGate(input, await create(input, temporary, nothing), temporary, nothing)
  const release = await switchTraffic(input, created, nothing)
  const serving = existing.filter((c) => c.State === 'running')
  if (input.traffic && serving.length > 0 && input.traffic.drainMs > 0) {
    input.step(80, `Draining the old container for ${input.traffic.drainMs / 1000} s`)
    input.log(
      `Traffic is on ${created.containerId.slice(0, 12)}; ${serving.map(nameOf).join(', ')} finishes its open requests`,
    )
    await drain(input.traffic.drainMs)
  }
  input.step(90, `Removing the old container`)
  // The new one serves and passed its gate: what is left to tidy can no longer fail the deployment.
  for (const old of existing) {
    input.log(`Removing ${nameOf(old)} (replaced by ${created.containerId.slice(0, 12)})`)
    await removeContainer(docker, old.Id).catch((err: unknown) =>
      input.log(`Could not remove ${nameOf(old)}: ${(err as Error).message}`),
    )
  }
  try {
    await renameContainer(docker, created.containerId, plan.name)
    input.log(`Renamed ${temporary} to ${plan.name}`)
  } catch (err) {
    input.log(`Kept the name ${temporary}: ${plan.name} is taken (${(err as Error).message})`)
  }
  release()
  return { ...created, strategy: 'start-first' }
}

async function stopFirst(input: SwapInput): Promise<SwapResult> {
  const { docker, plan, existing } = input
  // Every copy of the service holds (or may take) the port: all stop; the ones that ran are started again.
  const running = existing.filter((c) => c.State === 'running' || c.State === 'restarting')
  const canonical = existing.find((c) => nameOf(c) === plan.name)
  const aside = `${plan.name}-old-${input.tag}`
  let renamed = false
  const restore = async (): Promise<void> => {
    if (canonical && renamed) await renameContainer(docker, canonical.Id, plan.name)
    for (const row of running) {
      await docker
        .getContainer(row.Id)
        .start()
        .catch((err: unknown) => {
          if ((err as { statusCode?: number }).statusCode !== 304) throw mapDockerError(err, `container ${nameOf(row)}`)
        })
      input.log(`Started ${nameOf(row)} again`)
    }
  }
  if (canonical) {
    try {
      await renameContainer(docker, canonical.Id, aside)
    } catch (err) {
      throw failureOf(err, input.signal, null)
    }
    renamed = true
  }
  // The new container is created while the old one stops: only its start needs the port. Both settle before
  // anything is undone, so a restore never races the stop.
  input.step(30, `Creating ${plan.name}; stopping the old container`)
  const [made, stopped] = await Promise.allSettled([
    createContainer(docker, plan.name, plan.body),
    (async () => {
      for (const row of running) {
        input.log(`Stopping ${nameOf(row)} (it holds the host port)`)
        await stopContainer(docker, row.Id, input.signal)
      }
    })(),
  ])
  const madeId = made.status === 'fulfilled' ? made.value : null
  const failed = made.status === 'rejected' ? made.reason : stopped.status === 'rejected' ? stopped.reason : null
  if (failed !== null || input.signal.aborted) {
    await cleanUp(input, madeId, restore).catch(() => undefined)
    throw failureOf(failed, input.signal, null)
  }
  const created = madeId!
  input.log(`Created ${plan.name} (${created.slice(0, 12)})`)
  const started = await startAndGate(input, created, plan.name, restore)
  // The old container is stopped already: the switch only spares waiting for the proxy to notice the new one.
  const release = await switchTraffic(input, started, restore)
  release()
  input.step(90, 'Removing the old container')
  for (const row of existing)
    await removeContainer(docker, row.Id).catch((err: unknown) =>
      input.log(`Could not remove ${nameOf(row)}: ${(err as Error).message}`),
    )
  return { ...started, strategy: 'stop-first' }
}

/**
 * Creates the new container (no port is bound until it starts, so this may happen while the old one serves).
 * A failure or cancel here leaves nothing behind: `restore` then brings the old one back.
 */
async function create(input: SwapInput, name: string, restore: () => Promise<void>): Promise<string> {
  let containerId: string | null = null
  try {
    input.step(30, `Creating ${name}`)
    containerId = await createContainer(input.docker, name, input.plan.body)
    input.log(`Created ${name} (${containerId.slice(0, 12)})`)
    checkAborted(input.signal)
    return containerId
  } catch (err) {
    await cleanUp(input, containerId, restore)
    throw failureOf(err, input.signal, null)
  }
}

/**
 * Starts the new container and waits for its gate. On any failure (or cancel): its evidence is kept, it is
 * removed, `restore` brings the old one back, and a DeployFailure says what happened.
 */
async function startAndGate(
  input: SwapInput,
  containerId: string,
  name: string,
  restore: () => Promise<void>,
): Promise<{ containerId: string; health: HealthEvidence }> {
  const { docker, signal } = input
  let gate: GateResult | null = null
  try {
    checkAborted(signal)
    await docker.getContainer(containerId).start({ abortSignal: signal } as never)
    input.log(`Started ${name} (${containerId.slice(0, 12)}); waiting for it to be healthy`)
    input.step(60, 'Waiting for the health check')
    gate = await healthGate(docker, containerId, { stableMs: input.stableMs, signal })
  } catch (err) {
    const evidence = gate ? await collectEvidence(docker, containerId, gate) : null
    await cleanUp(input, containerId, restore)
    throw failureOf(err, signal, evidence)
  }
  const evidence = await collectEvidence(docker, containerId, gate)
  if (!gate.ok) {
    input.log(`${name} did not become healthy (${gate.verdict}); restoring the previous container`)
    await cleanUp(input, containerId, restore)
    throw new DeployFailure('unhealthy', unhealthyMessage(gate, evidence), evidence)
  }
  input.log(`${name} is ${gate.verdict === 'healthy' ? 'healthy' : `running after ${input.stableMs} ms`}`)
  return { containerId, health: evidence }
}

/**
 * Moves the proxy's traffic to the passed container; answers the release for after the rename. On a refusal the
 * new container goes and `restore` brings the old one back, as for a failed gate.
 */
async function switchTraffic(
  input: SwapInput,
  passed: { containerId: string; health: HealthEvidence },
  restore: () => Promise<void>,
): Promise<() => void> {
  if (!input.traffic) return () => undefined
  input.step(70, 'Switching traffic to the new container')
  try {
    const release = await input.traffic.switchTo(passed.containerId, { signal: input.signal, log: input.log })
    input.log(`The proxy sends the service's routes to ${passed.containerId.slice(0, 12)}`)
    return release
  } catch (err) {
    input.log(`The proxy did not switch: ${(err as Error).message}; removing the new container`)
    await cleanUp(input, passed.containerId, restore)
    throw failureOf(err, input.signal, passed.health)
  }
}

function failureOf(err: unknown, signal: AbortSignal, evidence: HealthEvidence | null): Error {
  if (signal.aborted)
    return new DeployFailure('internal', 'Deployment canceled; the previous container serves again', evidence, true)
  if (err instanceof DeployFailure) return err
  if (err instanceof AppError) return new DeployFailure(err.code, err.message, evidence)
  return err instanceof Error ? err : new Error(String(err))
}

/** Removes what this deploy made (also a container whose create answer the cancel cut off) and restores the old. */
async function cleanUp(input: SwapInput, containerId: string | null, restore: () => Promise<void>): Promise<void> {
  const { docker, plan, existing } = input
  const keep = new Set(existing.map((c) => c.Id))
  const labels = plan.body.Labels as Record<string, string>
  const made = new Set<string>(containerId ? [containerId] : [])
  try {
    const rows = (await docker.listContainers({
      all: true,
      filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) },
    })) as ContainerRow[]
    for (const row of rows) if (!keep.has(row.Id)) made.add(row.Id)
  } catch {
    // The list is only a safety net for a create the cancel cut off; the id we know is removed regardless.
  }
  for (const id of made) await removeContainer(docker, id).catch(() => undefined)
  await restore()
}

function unhealthyMessage(gate: GateResult, evidence: HealthEvidence): string {
  switch (gate.verdict) {
    case 'exited':
      return `The new container exited${evidence.exitCode === null ? '' : ` with code ${evidence.exitCode}`} before it was judged healthy; the previous container serves again`
    case 'timeout':
      return 'The new container did not become healthy in time; the previous container serves again'
    default: {
      const last = evidence.probeOutput.at(-1)
      const said = last ? ` (last probe exit ${last.exitCode}: ${last.output.trim().slice(0, 200)})` : ''
      return `The new container's health check failed${said}; the previous container serves again`
    }
  }
}

async function stopContainer(docker: Dockerode, id: string, signal: AbortSignal): Promise<void> {
  try {
    await docker.getContainer(id).stop({ t: STOP_TIMEOUT_SECONDS, abortSignal: signal } as never)
  } catch (err) {
    checkAborted(signal)
    const status = (err as { statusCode?: number }).statusCode
    if (status !== 304 && status !== 404) throw mapDockerError(err, `container ${id.slice(0, 12)}`)
  }
}

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AppError('internal', 'Deployment canceled')
}

const nameOf = (row: ContainerRow): string => row.Names?.[0]?.replace(/^\//, '') ?? row.Id.slice(0, 12)
