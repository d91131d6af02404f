import type { ServiceRecord, ServiceRelease } from './project-store'
import type { ResolvedSpec } from './service-spec'

/**
 * The spec a service's container is planned with: the image a successful deployment pinned (by id) when there is
 * one, else the spec's own image. The spec hash is computed from this, so the container a deployment made carries
 * the hash the service expects and shows no drift.
 */
export function releasedSpec(spec: ResolvedSpec, release: ServiceRelease | null): ResolvedSpec {
  return release ? { ...spec, image: release.imageId } : spec
}

/** The image the service's container runs: its release's image id, else `spec.image` (null: a git service before its first deployment). */
export function effectiveImage(service: Pick<ServiceRecord, 'spec' | 'release'>): string | null {
  return service.release?.imageId ?? service.spec.image ?? null
}
