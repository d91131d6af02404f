import type { ServiceSpec, ServiceStatus, ServiceSummary } from '../../../../src-preload/contract/projects'
import type { Tone } from '../../components/StatusChip'

type Port = ServiceSpec['ports'][number]
type Volume = ServiceSpec['volumes'][number]

const bracket = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip)

/** `8080→80/tcp`, `127.0.0.1:8080→80/tcp`, or `80/tcp` for a port only exposed on the project network. */
export function portText(port: Port): string {
  if (port.host === undefined) return `${port.container}/${port.protocol}`
  return `${port.hostIp ? `${bracket(port.hostIp)}:` : ''}${port.host}→${port.container}/${port.protocol}`
}

/** The image, or where a git service is built from (it has no image before its first build). */
export function sourceText(service: Pick<ServiceSummary, 'spec' | 'status'>): string {
  const { spec, status } = service
  if (spec.git) return `git: ${spec.git.url}@${spec.git.ref}${status.imageId ? '' : ' — no image yet'}`
  return spec.image ?? '—'
}

export function volumeText(volume: Volume): string {
  const source = volume.type === 'bind' ? volume.source : (volume.source ?? 'anonymous volume')
  return `${source} → ${volume.target}${volume.readOnly ? ' (read-only)' : ''}`
}

/** A service's state as a chip says it: colour and words; a failed exit and an unhealthy check are bad. */
export function stateView(status: Pick<ServiceStatus, 'state' | 'exitCode'>): { tone: Tone; text: string } {
  switch (status.state) {
    case 'running':
      return { tone: 'ok', text: 'running' }
    case 'unhealthy':
      return { tone: 'bad', text: 'unhealthy' }
    case 'restarting':
      return { tone: 'warn', text: 'restarting' }
    case 'paused':
      return { tone: 'warn', text: 'paused' }
    case 'exited':
      return status.exitCode !== null && status.exitCode !== 0
        ? { tone: 'bad', text: `exited (${status.exitCode})` }
        : { tone: 'neutral', text: 'exited' }
    case 'missing':
      return { tone: 'neutral', text: 'no container' }
    case 'created':
      return { tone: 'neutral', text: 'created' }
  }
}

const STATE_ORDER = ['running', 'unhealthy', 'restarting', 'paused', 'exited', 'created', 'missing']

/** A project's services by state, in a fixed order, for the list. */
export function stateCounts(
  states: Record<string, number>,
): { state: string; count: number; tone: Tone; text: string }[] {
  return Object.entries(states)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([state, count]) => {
      const view = STATE_ORDER.includes(state)
        ? stateView({ state: state as ServiceStatus['state'], exitCode: null })
        : { tone: 'neutral' as Tone, text: state }
      return { state, count, ...view }
    })
}

const rank = (state: string): number => {
  const index = STATE_ORDER.indexOf(state)
  return index < 0 ? STATE_ORDER.length : index
}

/** Whether the service's container runs (or is meant to and is on its way). */
export const isUp = (status: Pick<ServiceStatus, 'state'>): boolean =>
  status.state === 'running' || status.state === 'unhealthy' || status.state === 'restarting'
