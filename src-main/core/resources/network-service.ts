import type Dockerode from 'dockerode'
import type { NetworkSummary, PrunePreview, PruneResult, ResourceUser } from '../../../src-preload/contract/resources'
import { mapDockerError } from '../../infra/docker'
import type { HostConnections } from '../hosts/host-connections'
import { AppError } from '../shared/app-error'
import {
  inUseError,
  isoOrNull,
  labelsMatch,
  listAllContainers,
  pruneFilters,
  statusOf,
  usersBy,
} from './resource-support'

/** The engine's own networks: shown as built-in, never removable. */
const BUILTIN = new Set(['bridge', 'host', 'none'])
/** moby `runconfig.IsPreDefinedNetwork`: names a prune never touches. */
const PREDEFINED = new Set([...BUILTIN, 'default', 'ingress'])
const INSPECT_CONCURRENCY = 8

interface ListedNetwork {
  Id: string
  Name: string
  Driver: string
  Scope: string
  Internal?: boolean
  Created?: string
  Labels?: Record<string, string> | null
  Containers?: Record<string, { Name?: string }> | null
}

const networkKeys = (c: Dockerode.ContainerInfo): string[] =>
  Object.values(c.NetworkSettings?.Networks ?? {})
    .map((n) => n.NetworkID)
    .filter((id): id is string => Boolean(id))

/** Networks on one host's engine, with the containers (any state) attached to each one. */
export class NetworkService {
  constructor(private readonly connections: HostConnections) {}

  async list(hostId: string): Promise<NetworkSummary[]> {
    const docker = await this.docker(hostId)
    const [networks, containers] = await Promise.all([this.listNetworks(docker), listAllContainers(docker)])
    const users = usersBy(containers, networkKeys)
    return networks.map((network) => ({
      id: network.Id,
      shortId: network.Id.slice(0, 12),
      name: network.Name,
      driver: network.Driver,
      scope: network.Scope,
      internal: network.Internal ?? false,
      createdAt: isoOrNull(network.Created) ?? '',
      builtin: BUILTIN.has(network.Name),
      containers: users.get(network.Id) ?? [],
    }))
  }

  async inspect(hostId: string, networkId: string): Promise<Record<string, unknown>> {
    const docker = await this.docker(hostId)
    return (await this.inspectOne(docker, networkId)) as unknown as Record<string, unknown>
  }

  async remove(hostId: string, networkId: string): Promise<void> {
    const docker = await this.docker(hostId)
    // Resolved first: the engine would answer a built-in network with a bare 403, and a ref may be an id prefix.
    const network = await this.inspectOne(docker, networkId)
    if (BUILTIN.has(network.Name)) {
      throw new AppError(
        'validation',
        `${network.Name} is a network the engine creates itself; it cannot be removed`,
        'networkId',
      )
    }
    try {
      await docker.getNetwork(network.Id).remove()
    } catch (err) {
      // Active endpoints: 403 from engines up to 24, 409 from later ones.
      const status = statusOf(err)
      if (status === 403 || status === 409) {
        const users = endpointsOf(await this.inspectOne(docker, network.Id).catch(() => network))
        if (users.length > 0) {
          throw inUseError(`Network ${network.Name}`, users, 'disconnect or stop them first')
        }
        if (status === 403) throw new AppError('conflict', `Network ${network.Name}: the engine refused to remove it`)
      }
      throw mapDockerError(err, `network ${network.Name}`)
    }
  }

  /**
   * What `POST /networks/prune` removes (moby `pruneNetworks`): local networks that are not predefined, match
   * the label filters and have no endpoint, i.e. no running container attached (a stopped container holds none).
   * Endpoints are only in a network's inspect, so each candidate is inspected. Swarm-scoped networks, which a
   * manager also prunes when no service uses them, are not listed: services are outside glinrdock's view.
   */
  async prunePreview(hostId: string, query: { labels?: string[] }): Promise<PrunePreview> {
    const docker = await this.docker(hostId)
    const candidates = (await this.listNetworks(docker)).filter(
      (n) => n.Scope === 'local' && !PREDEFINED.has(n.Name) && labelsMatch(n.Labels, query.labels),
    )
    const items: PrunePreview['items'] = []
    for (let i = 0; i < candidates.length; i += INSPECT_CONCURRENCY) {
      const batch = candidates.slice(i, i + INSPECT_CONCURRENCY)
      const inspected = await Promise.all(batch.map((n) => this.inspectOne(docker, n.Id).catch(() => null)))
      for (const network of inspected) {
        if (network && endpointsOf(network).length === 0) {
          items.push({ id: network.Id, label: network.Name, sizeBytes: 0 })
        }
      }
    }
    return { items, spaceBytes: 0 }
  }

  async prune(hostId: string, query: { labels?: string[] }): Promise<PruneResult> {
    const docker = await this.docker(hostId)
    // The engine reports pruned networks by name; ids (what the preview lists) come from the list before.
    const idByName = new Map((await this.listNetworks(docker)).map((n) => [n.Name, n.Id]))
    try {
      const report = (await docker.pruneNetworks({ filters: pruneFilters(query.labels) })) as {
        NetworksDeleted?: string[] | null
      }
      const removed = (report.NetworksDeleted ?? []).map((name) => idByName.get(name) ?? name)
      return { removed, spaceReclaimedBytes: 0 }
    } catch (err) {
      throw mapDockerError(err, 'network prune')
    }
  }

  private async inspectOne(docker: Dockerode, networkId: string): Promise<ListedNetwork> {
    try {
      return (await docker.getNetwork(networkId).inspect()) as ListedNetwork
    } catch (err) {
      throw mapDockerError(err, `network ${networkId}`)
    }
  }

  private async listNetworks(docker: Dockerode): Promise<ListedNetwork[]> {
    try {
      return (await docker.listNetworks()) as ListedNetwork[]
    } catch (err) {
      throw mapDockerError(err, 'networks')
    }
  }

  private docker(hostId: string): Promise<Dockerode> {
    return this.connections.get(hostId).docker()
  }
}

/** Containers with an endpoint on the network, from its inspect (`Containers`, keyed by container id). */
function endpointsOf(network: ListedNetwork): ResourceUser[] {
  return Object.entries(network.Containers ?? {}).map(([id, endpoint]) => ({
    id,
    name: endpoint.Name ?? id.slice(0, 12),
  }))
}
