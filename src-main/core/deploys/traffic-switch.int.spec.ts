import Dockerode from 'dockerode'
import { afterAll, describe, expect, it } from 'vitest'
import { testbedEnv } from '../../../e2e/fixtures/testbed-env'
import type { ContainerRow } from '../projects/service-status'
import { AppError } from '../shared/app-error'
import { DeployFailure, swapContainer } from './container-swap'
import type { TrafficSwitch } from './traffic-switch'

/**
 * The swap's side of a zero-downtime deploy, on the test bed's real engine: when traffic moves and what happens
 * when the proxy refuses to move it. The proxy itself is exercised in zero-downtime.int.spec.ts; here a
 * TrafficSwitch of the spec's own (the port the proxy implements) records what the engine looks like at each call.
 */
const env = testbedEnv()
const docker = new Dockerode({ socketPath: env.dockerSocket })
const RUN = Math.random().toString(36).slice(2, 8)
const LABEL = 'glinrdock.test'
const COMMAND = ['sh', '-c', "trap 'exit 0' TERM; httpd -f -p 8080 -h / & wait"]

afterAll(async () => {
  for (const row of await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${RUN}`] } }))
    await docker.getContainer(row.Id).remove({ force: true })
})

const labelsFor = (service: string) => ({ [LABEL]: RUN, 'io.glinrdock.service': `${service}${RUN}` })

async function rowsOf(service: string): Promise<ContainerRow[]> {
  return (await docker.listContainers({
    all: true,
    filters: { label: [`io.glinrdock.service=${service}${RUN}`] },
  })) as ContainerRow[]
}

/** The running container a deploy replaces, under the canonical name. */
async function runOld(service: string): Promise<string> {
  const container = await docker.createContainer({
    name: `gd-swap-${service}-${RUN}`,
    Image: env.busyboxImage,
    Cmd: COMMAND,
    Labels: labelsFor(service),
  })
  await container.start()
  return container.id
}

function swap(service: string, existing: ContainerRow[], traffic: TrafficSwitch) {
  const lines: string[] = []
  const done = swapContainer({
    docker,
    plan: {
      name: `gd-swap-${service}-${RUN}`,
      body: { Image: env.busyboxImage, Cmd: COMMAND, Labels: labelsFor(service), HostConfig: {} },
      specHash: 'h',
    },
    existing,
    tag: 'next',
    stableMs: 300,
    traffic,
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    step: () => undefined,
  })
  return { done, lines }
}

const stateOf = async (id: string): Promise<string> => {
  const info = await docker.getContainer(id).inspect()
  return `${info.Name.replace(/^\//, '')}:${info.State.Status}`
}

describe('the traffic switch in a start-first swap', () => {
  it('moves traffic once the new container passed, while the old one still runs; releases the pin at the end', async () => {
    const old = await runOld('ok')
    const seen: Record<string, string[]> = {}
    const { done } = swap('ok', await rowsOf('ok'), {
      drainMs: 200,
      switchTo: async (containerId) => {
        seen.atSwitch = [await stateOf(containerId), await stateOf(old)]
        return () => {
          seen.released = [containerId]
        }
      },
    })
    const result = await done
    expect(seen.atSwitch).toEqual([`gd-swap-ok-${RUN}-next:running`, `gd-swap-ok-${RUN}:running`])
    expect(seen.released).toEqual([result.containerId])
    expect(await stateOf(result.containerId)).toBe(`gd-swap-ok-${RUN}:running`)
    expect((await rowsOf('ok')).map((row) => row.Id)).toEqual([result.containerId])
  })

  it("fails with the proxy's code when it refuses the switch: the new container goes, the old one keeps serving", async () => {
    const old = await runOld('refused')
    const { done, lines } = swap('refused', await rowsOf('refused'), {
      drainMs: 200,
      switchTo: async () => {
        throw new AppError('proxy_rejected', 'nginx: [emerg] host not found in upstream')
      },
    })
    const error = await done.then(
      () => null,
      (err: unknown) => err,
    )
    expect(error).toBeInstanceOf(DeployFailure)
    expect(error).toMatchObject({ code: 'proxy_rejected', message: 'nginx: [emerg] host not found in upstream' })
    expect((error as DeployFailure).health).not.toBeNull()
    expect((await rowsOf('refused')).map((row) => row.Id)).toEqual([old])
    expect(await stateOf(old)).toBe(`gd-swap-refused-${RUN}:running`)
    expect(lines.join('\n')).toContain('The proxy did not switch')
  })
})
