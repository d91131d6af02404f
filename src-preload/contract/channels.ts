/**
 * Plain lists of request and event names. The preload imports only this file (and types), so the
 * sandboxed preload bundle stays tiny and cannot drift from the schemas in `schemas.ts`.
 */
export const REQUEST_METHODS = [
  'system.info',
  'tokens.list',
  'tokens.create',
  'tokens.revoke',
  'secrets.status',
  'secrets.consent',
] as const

export const EVENT_NAMES = ['tokens.changed', 'secrets.changed'] as const

export type RequestMethod = (typeof REQUEST_METHODS)[number]
export type EventName = (typeof EVENT_NAMES)[number]

/** Electron IPC channel names, namespaced so nothing else on ipcMain can collide with them. */
export const requestChannel = (method: RequestMethod): string => `glinrdock:req:${method}`
export const EVENT_CHANNEL = 'glinrdock:event'
export const SUBSCRIBE_CHANNEL = 'glinrdock:subscribe'
