import { describe, expect, it } from 'vitest'
import { ProxySettingsInput } from '../../../../src-preload/contract/routes'
import { proxyFieldMessage, toProxyInput } from './proxy-form'

describe('the host form’s proxy group', () => {
  it('sends nothing when every field is blank, so the host keeps the defaults', () => {
    expect(toProxyInput({ image: ' ', httpPort: '', httpsPort: '' })).toBeUndefined()
  })

  it('sends only what is filled in, ports as numbers', () => {
    expect(toProxyInput({ image: 'nginx:1.27', httpPort: '8080', httpsPort: '' })).toEqual({
      image: 'nginx:1.27',
      httpPort: 8080,
    })
  })

  it('lets the contract refuse a port that is not one, and says its range', () => {
    const input = toProxyInput({ image: '', httpPort: '80a', httpsPort: '' })
    const parsed = ProxySettingsInput.safeParse(input)
    expect(parsed.success).toBe(false)
    expect(proxyFieldMessage('httpPort', parsed.error?.issues[0]?.message)).toBe('A port from 1 to 65535')
    expect(proxyFieldMessage('httpsPort', 'The HTTP and HTTPS ports must differ')).toBe(
      'The HTTP and HTTPS ports must differ',
    )
  })
})
