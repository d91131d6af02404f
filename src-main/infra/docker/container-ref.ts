import type Dockerode from 'dockerode'
import { CONTAINER_REF_PATTERN } from '../../../src-preload/contract/grammar'
import { AppError } from '../../core/shared/app-error'

/**
 * The only way to a container's engine object. dockerode pastes the reference into the URL path unescaped,
 * so `../` would reach other endpoints and `//x` earns a redirect: the contract's grammar is checked once
 * more here, for every caller, whatever entry the reference came through.
 */
export function containerOf(docker: Dockerode, ref: string): Dockerode.Container {
  assertContainerRef(ref)
  return docker.getContainer(ref)
}

/** For the few calls that build the engine path themselves (log streams through the modem). */
export function assertContainerRef(ref: string): void {
  if (!CONTAINER_REF_PATTERN.test(ref) || ref.length > 128) {
    throw new AppError('validation', 'Invalid container id or name', 'containerId')
  }
}
