import { describe, expect, it } from 'vitest'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { portText, sourceText, stateCounts, stateView, volumeText } from './service-labels'

describe('service labels', () => {
  it('writes ports as host→container/protocol', () => {
    expect(portText({ container: 80, host: 8080, protocol: 'tcp' })).toBe('8080→80/tcp')
    expect(portText({ container: 53, host: 5353, protocol: 'udp', hostIp: '127.0.0.1' })).toBe('127.0.0.1:5353→53/udp')
    expect(portText({ container: 80, host: 8080, protocol: 'tcp', hostIp: '::1' })).toBe('[::1]:8080→80/tcp')
    expect(portText({ container: 5432, protocol: 'tcp' })).toBe('5432/tcp')
  })

  it('says a git service has no image before its first build', () => {
    const git = { spec: { image: null, git: { url: 'https://x/app.git', ref: 'main' } }, status: { imageId: null } }
    expect(sourceText(git as unknown as ServiceSummary)).toBe('git: https://x/app.git@main — no image yet')
    const image = { spec: { image: 'nginx:1', git: null }, status: { imageId: 'sha256:1' } }
    expect(sourceText(image as unknown as ServiceSummary)).toBe('nginx:1')
  })

  it('shows failed exits as bad and a missing container in words', () => {
    expect(stateView({ state: 'exited', exitCode: 1 })).toEqual({ tone: 'bad', text: 'exited (1)' })
    expect(stateView({ state: 'exited', exitCode: 0 })).toEqual({ tone: 'neutral', text: 'exited' })
    expect(stateView({ state: 'missing', exitCode: null }).text).toBe('no container')
  })

  it('orders state counts and drops zeros', () => {
    expect(stateCounts({ exited: 1, running: 2, missing: 0 }).map((c) => `${c.count} ${c.text}`)).toEqual([
      '2 running',
      '1 exited',
    ])
  })

  it('names volumes by source', () => {
    expect(volumeText({ type: 'volume', target: '/data', readOnly: false })).toBe('anonymous volume → /data')
    expect(volumeText({ type: 'bind', source: '/srv', target: '/srv', readOnly: true })).toBe('/srv → /srv (read-only)')
  })
})
