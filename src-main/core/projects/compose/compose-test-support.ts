/** Helpers for the compose specs only: production code never imports this file. */
import { expect } from 'vitest'
import type { ServiceSpec } from '../../../../src-preload/contract/projects'
import { AppError } from '../../shared/app-error'
import { importCompose, type ComposeImportOptions } from './compose-import'

const OPTIONS: ComposeImportOptions = { projectName: 'shop', confirmBinds: false, envFiles: {} }

/** Imports into the project `shop`, binds unconfirmed and no env files pasted unless `options` say otherwise. */
export const load = (yaml: string, options: Partial<ComposeImportOptions> = {}) =>
  importCompose(yaml, { ...OPTIONS, ...options })

export const paths = (yaml: string, options: Partial<ComposeImportOptions> = {}) =>
  load(yaml, options).warnings.map((warning) => warning.path)

/** Imports one service `app` whose keys are `body`. */
export const one = (body: string, options: Partial<ComposeImportOptions> = {}) => {
  const result = load(`services:\n  app:\n${body.replace(/^/gm, '    ')}\n`, options)
  return { draft: result.drafts[0]!, warnings: result.warnings }
}

/** The AppError `run` throws; fails the test when it throws anything else or nothing. */
export function refusal(run: () => unknown): AppError {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    return err as AppError
  }
  throw new Error('expected the import to be refused')
}

/** A spec with nothing set but its name and `fields`, restarting unless stopped. */
export const serviceSpec = (name: string, fields: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  image: null,
  git: null,
  command: null,
  entrypoint: null,
  env: [],
  ports: [],
  volumes: [],
  restart: { policy: 'unless-stopped' },
  healthcheck: null,
  resources: {},
  user: null,
  labels: {},
  dependsOn: [],
  autoDeploy: false,
  ...fields,
})
