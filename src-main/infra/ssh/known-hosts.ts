import { createHmac, timingSafeEqual } from 'node:crypto'
import { fingerprintOfKeyBlob, keyTypeOfBlob } from './fingerprint'
import { matchesPatternList } from './host-patterns'

export interface KnownHostKey {
  keyType: string
  fingerprint: string
}

export interface KnownHostsLookup {
  /** Keys the file vouches for this host, with any revoked key already taken out. */
  keys: KnownHostKey[]
  /** Keys marked `@revoked` for this host: a caller must refuse them even if a pin names them. */
  revoked: KnownHostKey[]
}

/** The name ssh looks up: the bare host for port 22, `[host]:port` otherwise (never both). */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase()
  return port === 22 ? name : `[${name}]:${port}`
}

/** Keys for `host:port` in an OpenSSH known_hosts text, matched the way ssh matches them. */
export function lookupKnownHosts(text: string, host: string, port: number): KnownHostsLookup {
  const name = knownHostsName(host, port)
  const keys: KnownHostKey[] = []
  const revoked: KnownHostKey[] = []
  for (const line of text.split(/\r?\n/)) {
    const entry = parseLine(line)
    if (!entry || entry.marker === '@cert-authority' || !hostFieldMatches(entry.hosts, name)) continue
    if (entry.marker === '@revoked') revoked.push(entry.key)
    else keys.push(entry.key)
  }
  const isRevoked = (key: KnownHostKey) => revoked.some((r) => r.fingerprint === key.fingerprint)
  return { keys: dedupe(keys.filter((k) => !isRevoked(k))), revoked: dedupe(revoked) }
}

/** The trusted keys only; use {@link lookupKnownHosts} to also see which keys are revoked. */
export const knownHostKeys = (text: string, host: string, port: number): KnownHostKey[] =>
  lookupKnownHosts(text, host, port).keys

interface Entry {
  marker?: string
  hosts: string
  key: KnownHostKey
}

function parseLine(line: string): Entry | undefined {
  const fields = line.trim().split(/\s+/)
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined
  const marker = fields[0].startsWith('@') ? fields.shift() : undefined
  if (marker !== undefined && marker !== '@revoked' && marker !== '@cert-authority') return undefined
  const [hosts, type, data] = fields
  if (!hosts || !type || !data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined
  const blob = Buffer.from(data, 'base64')
  let keyType: string
  try {
    keyType = keyTypeOfBlob(blob)
  } catch {
    return undefined
  }
  // ssh refuses a line whose declared type disagrees with its key, so it must not count here either.
  if (keyType !== type) return undefined
  return { marker, hosts, key: { keyType, fingerprint: fingerprintOfKeyBlob(blob) } }
}

function hostFieldMatches(hosts: string, name: string): boolean {
  return hosts.startsWith('|') ? hashedMatches(hosts, name) : matchesPatternList(name, hosts)
}

/** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as written by `ssh-keygen -H` / `HashKnownHosts yes`. */
function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|')
  if (parts.length !== 4 || parts[1] !== '1') return false
  const salt = Buffer.from(parts[2] ?? '', 'base64')
  const expected = Buffer.from(parts[3] ?? '', 'base64')
  if (salt.length !== 20 || expected.length !== 20) return false
  return timingSafeEqual(createHmac('sha1', salt).update(name).digest(), expected)
}

function dedupe(keys: KnownHostKey[]): KnownHostKey[] {
  const seen = new Set<string>()
  return keys.filter((k) => {
    if (seen.has(k.fingerprint)) return false
    seen.add(k.fingerprint)
    return true
  })
}
