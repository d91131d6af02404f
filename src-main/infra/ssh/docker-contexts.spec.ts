import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readDockerContexts } from './docker-contexts'

function writeMeta(configDir: string, name: string, content: string): void {
  const dir = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'meta.json'), content)
}

const meta = (name: string, host: string) =>
  JSON.stringify({
    Name: name,
    Metadata: { Description: '' },
    Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
  })

describe('readDockerContexts', () => {
  it('reads each context name and docker endpoint, sorted by name', () => {
    const configDir = mkdtempSync(join(tmpdir(), 'gd-ctx-'))
    writeMeta(configDir, 'prod', meta('prod', 'ssh://deploy@prod.example:2222'))
    writeMeta(configDir, 'colima', meta('colima', 'unix:///home/ada/.colima/default/docker.sock'))
    expect(readDockerContexts(configDir)).toEqual([
      { name: 'colima', endpoint: 'unix:///home/ada/.colima/default/docker.sock' },
      { name: 'prod', endpoint: 'ssh://deploy@prod.example:2222' },
    ])
  })

  it('skips broken files and contexts without a docker endpoint, keeping the good ones', () => {
    const configDir = mkdtempSync(join(tmpdir(), 'gd-ctx-'))
    writeMeta(configDir, 'good', meta('good', 'tcp://10.0.0.2:2376'))
    writeMeta(configDir, 'truncated', '{"Name": "trunc')
    writeMeta(configDir, 'null', 'null')
    writeMeta(configDir, 'no-endpoint', JSON.stringify({ Name: 'k8s-only', Endpoints: { kubernetes: {} } }))
    writeMeta(configDir, 'no-name', JSON.stringify({ Endpoints: { docker: { Host: 'unix:///x' } } }))
    writeMeta(configDir, 'bad-types', JSON.stringify({ Name: 7, Endpoints: { docker: { Host: ['x'] } } }))
    mkdirSync(join(configDir, 'contexts', 'meta', 'empty-dir'))
    writeFileSync(join(configDir, 'contexts', 'meta', 'stray-file'), 'x')
    expect(readDockerContexts(configDir)).toEqual([{ name: 'good', endpoint: 'tcp://10.0.0.2:2376' }])
  })

  it('returns nothing when the CLI has no contexts folder', () => {
    expect(readDockerContexts(mkdtempSync(join(tmpdir(), 'gd-ctx-')))).toEqual([])
    expect(readDockerContexts('/nonexistent/docker-config')).toEqual([])
  })
})
