import type { ResolvedSpec } from './service-spec'

/** For specs: a resolved spec of `web` on nginx with nothing else set, plus `overrides`. */
export function resolvedWebSpec(overrides: Partial<ResolvedSpec> = {}): ResolvedSpec {
  return {
    name: 'web',
    image: 'nginx:1.27',
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
    ...overrides,
  }
}
