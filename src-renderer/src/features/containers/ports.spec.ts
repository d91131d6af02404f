import { describe, expect, it } from 'vitest'
import { portViews } from './ports'

describe('port views', () => {
  it('shows bind addresses like docker ps and links published TCP ports of a local engine', () => {
    const views = portViews(
      [
        { privatePort: 80, publicPort: 8080, type: 'tcp', ip: '0.0.0.0' },
        { privatePort: 80, publicPort: 8080, type: 'tcp', ip: '::' },
        { privatePort: 443, publicPort: 8443, type: 'tcp', ip: '127.0.0.1' },
        { privatePort: 53, publicPort: 5353, type: 'udp', ip: '0.0.0.0' },
        { privatePort: 9000, publicPort: null, type: 'tcp', ip: null },
      ],
      'localhost',
      false,
    )
    expect(views.map((v) => [v.text, v.href])).toEqual([
      ['9000/tcp', null],
      ['0.0.0.0:5353→53/udp', null],
      ['0.0.0.0:8080→80/tcp', 'http://localhost:8080/'],
      ['[::]:8080→80/tcp', 'http://localhost:8080/'],
      ['127.0.0.1:8443→443/tcp', 'https://127.0.0.1:8443/'],
    ])
  })

  it('links a remote engine’s wildcard binds to the host’s name, never its loopback binds', () => {
    const views = portViews(
      [
        { privatePort: 80, publicPort: 8080, type: 'tcp', ip: '0.0.0.0' },
        { privatePort: 81, publicPort: 8081, type: 'tcp', ip: '127.0.0.1' },
      ],
      'build.example',
      true,
    )
    expect(views.map((v) => v.href)).toEqual(['http://build.example:8080/', null])
  })
})
