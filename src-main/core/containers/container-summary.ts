import type Dockerode from 'dockerode'
import type { ContainerSummary } from '../../../src-preload/contract/containers'

const COMPOSE_PROJECT = 'com.docker.compose.project'

/** The list row users see, from the engine's `/containers/json` entry (same fields as `docker ps -a`). */
export function toContainerSummary(info: Dockerode.ContainerInfo): ContainerSummary {
  const labels = info.Labels ?? {}
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? info.Id.slice(0, 12)).replace(/^\//, ''),
    image: info.Image,
    imageId: info.ImageID,
    command: info.Command,
    state: info.State,
    status: info.Status,
    ports: (info.Ports ?? []).map((port) => ({
      privatePort: port.PrivatePort,
      publicPort: port.PublicPort ?? null,
      type: port.Type,
      ip: port.IP ?? null,
    })),
    createdAt: new Date(info.Created * 1000).toISOString(),
    labels,
    composeProject: labels[COMPOSE_PROJECT] ?? null,
  }
}
