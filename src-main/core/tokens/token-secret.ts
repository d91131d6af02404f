import { createHash, randomBytes } from 'node:crypto'
import { newId } from '../shared/ids'

const TOKEN_FORMAT = /^gdt_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/

/**
 * Tokens look like `gdt_<id>_<secret>`: the id finds the row without comparing secrets, the prefix
 * lets secret scanners recognise a leaked token, and only SHA-256(secret) is ever stored.
 */
export const newTokenId = newId

export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url')
}

export const formatToken = (id: string, secret: string): string => `gdt_${id}_${secret}`

export function parseToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_FORMAT.exec(token)
  return match ? { id: match[1]!, secret: match[2]! } : null
}

export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest()
