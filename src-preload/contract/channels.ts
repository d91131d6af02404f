/**
 * Plain lists of request and event names. The preload imports only this file (and types), so the
 * sandboxed preload bundle stays tiny and cannot drift from the schemas in `schemas.ts`.
 */
export const REQUEST_METHODS = [
  'system.info',
  'session.info',
  'tokens.list',
  'tokens.create',
  'tokens.revoke',
  'secrets.status',
  'secrets.consent',
  'hosts.list',
  'hosts.get',
  'hosts.probe',
  'hosts.create',
  'hosts.remove',
  'hosts.replaceHostKey',
  'hosts.importCandidates',
  'containers.list',
  'containers.inspect',
  'containers.start',
  'containers.stop',
  'containers.restart',
  'containers.remove',
  'containers.logs',
  'containers.stats',
  'hosts.update',
  'hosts.test',
  'hosts.retry',
  'containers.kill',
  'containers.pause',
  'containers.unpause',
  'images.list',
  'images.inspect',
  'images.remove',
  'images.prunePreview',
  'images.prune',
  'images.pull',
  'volumes.list',
  'volumes.inspect',
  'volumes.remove',
  'volumes.prunePreview',
  'volumes.prune',
  'networks.list',
  'networks.inspect',
  'networks.remove',
  'networks.prunePreview',
  'networks.prune',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'registries.list',
  'registries.create',
  'registries.remove',
  'projects.list',
  'projects.get',
  'projects.create',
  'projects.remove',
  'projects.start',
  'projects.stop',
  'projects.services',
  'projects.composeImport',
  'projects.composeExport',
  'projects.adopt',
  'hosts.adoptable',
  'services.create',
  'services.get',
  'services.update',
  'services.remove',
  'services.start',
  'services.stop',
  'services.restart',
  'services.logs',
  'cicd.build',
  'cicd.builds',
  'cicd.buildGet',
  'cicd.buildLogs',
  'cicd.deploy',
  'cicd.rollback',
  'cicd.rollbackPreview',
  'cicd.deployments',
  'cicd.deploymentGet',
  'settings.get',
  'settings.update',
  'notifications.list',
  'notifications.markRead',
  'routes.list',
  'routes.get',
  'routes.create',
  'routes.remove',
  'proxy.get',
  'proxy.apply',
  'proxy.preview',
  'certs.list',
  'certs.status',
  'certs.issue',
  'certs.renew',
] as const

export const EVENT_NAMES = [
  'tokens.changed',
  'secrets.changed',
  'hosts.changed',
  'containers.changed',
  'resources.changed',
  'jobs.changed',
  'registries.changed',
  'projects.changed',
  'cicd.changed',
  'notifications.new',
  'routes.changed',
  'proxy.changed',
  'certs.changed',
] as const

/** Long-lived subscriptions with parameters (a log follow, a stats feed, a terminal), each with its own id. */
export const STREAM_NAMES = [
  'containers.logs',
  'containers.stats',
  'containers.exec',
  'hosts.metrics',
  'jobs.log',
  'builds.log',
] as const

export type RequestMethod = (typeof REQUEST_METHODS)[number]
export type EventName = (typeof EVENT_NAMES)[number]
export type StreamName = (typeof STREAM_NAMES)[number]

/** Electron IPC channel names, namespaced so nothing else on ipcMain can collide with them. */
export const requestChannel = (method: RequestMethod): string => `glinrdock:req:${method}`
export const EVENT_CHANNEL = 'glinrdock:event'
export const SUBSCRIBE_CHANNEL = 'glinrdock:subscribe'
/** invoke: open a stream, answered with an envelope holding its id. */
export const STREAM_OPEN_CHANNEL = 'glinrdock:stream:open'
/** renderer → main: close, input, ack for one stream. */
export const STREAM_CONTROL_CHANNEL = 'glinrdock:stream:control'
/** main → renderer: data and end messages for one stream. */
export const STREAM_MESSAGE_CHANNEL = 'glinrdock:stream:message'
