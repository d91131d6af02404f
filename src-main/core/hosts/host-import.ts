import { existsSync, readFileSync } from 'node:fs'
import type { ImportCandidates } from '../../../src-preload/contract/hosts'
import { parseSshConfig, readDockerContexts } from '../../infra/ssh'

export interface ImportSources {
  sshConfigPath: string
  dockerContextsDir: string
}

function endpointKind(endpoint: string): 'local' | 'ssh' | 'other' {
  if (endpoint.startsWith('unix://')) return 'local'
  if (endpoint.startsWith('ssh://')) return 'ssh'
  return 'other'
}

/** Hosts the user already described elsewhere, offered as starting points in the add-host flow. */
export function discoverImportCandidates(sources: ImportSources): ImportCandidates {
  const ssh = existsSync(sources.sshConfigPath)
    ? parseSshConfig(readFileSync(sources.sshConfigPath, 'utf8')).map((entry) => ({
        alias: entry.alias,
        host: entry.hostName,
        port: entry.port,
        username: entry.user ?? null,
        privateKeyPath: entry.identityFiles[0] ?? null,
      }))
    : []
  const dockerContexts = existsSync(sources.dockerContextsDir)
    ? readDockerContexts(sources.dockerContextsDir).map((context) => ({
        name: context.name,
        endpoint: context.endpoint,
        kind: endpointKind(context.endpoint),
      }))
    : []
  return { ssh, dockerContexts }
}
