import { randomInt } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** 12 characters of [a-z0-9] (62 bits): short enough to read, long enough never to collide here. */
export function newId(): string {
  let id = ''
  for (let i = 0; i < 12; i++) id += ALPHABET[randomInt(ALPHABET.length)]
  return id
}
