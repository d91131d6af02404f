import type { PortMapping } from '../../../src-preload/contract/projects'
import type { SecretBox } from '../../infra/secrets/secret-box'
import type { StoredSpec } from '../projects/project-store'
import { envValues } from '../projects/service-env'

/** The SecretBox context of a deployment's env snapshot: it opens only for the row it was sealed for. */
export const deploymentEnvContext = (deploymentId: string): string => `deployments:${deploymentId}:env`

/** No env, no sealed value (as for services): a deployment without env never needs the keychain. */
const NO_ENV = ''

export async function sealSnapshotEnv(
  box: SecretBox,
  deploymentId: string,
  values: Record<string, string>,
): Promise<string> {
  if (Object.keys(values).length === 0) return NO_ENV
  return box.seal(JSON.stringify(values), deploymentEnvContext(deploymentId))
}

export async function openSnapshotEnv(
  box: SecretBox,
  deploymentId: string,
  sealed: string | null,
): Promise<Record<string, string>> {
  if (!sealed) return envValues()
  return envValues(JSON.parse(await box.open(sealed, deploymentEnvContext(deploymentId))) as Record<string, string>)
}

/** Keys that differ between two envs (values are compared here, in the main process, and never sent). */
export function envChanges(
  from: Record<string, string>,
  to: Record<string, string>,
): { key: string; change: 'added' | 'removed' | 'changed' }[] {
  const changes: { key: string; change: 'added' | 'removed' | 'changed' }[] = []
  for (const key of Object.keys(to)) {
    if (!(key in from)) changes.push({ key, change: 'added' })
    else if (from[key] !== to[key]) changes.push({ key, change: 'changed' })
  }
  for (const key of Object.keys(from)) if (!(key in to)) changes.push({ key, change: 'removed' })
  return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** A port as `docker ps` shows it: `127.0.0.1:8080->80/tcp`, or `80/tcp` when it is not published. */
export function portText(port: PortMapping): string {
  const host = port.host === undefined ? '' : `${port.hostIp ? `${port.hostIp}:` : ''}${port.host}->`
  return `${host}${port.container}/${port.protocol}`
}

export const portsOf = (spec: Pick<StoredSpec, 'ports'>): string[] => spec.ports.map(portText)
