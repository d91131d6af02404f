import type { z } from 'zod'
import type { CreateServiceInput, ServiceSpec } from '../../../src-preload/contract/projects'

/**
 * A service as compose import and adoption propose it, before the contract's schema checked it: the create
 * input without its project. It goes through `CreateServiceInput` like any other create.
 */
export type ServiceDraft = Omit<z.input<typeof CreateServiceInput>, 'projectId'>

/** A validated spec with every env value present (unsealed): what the engine is given. Main process only. */
export interface ResolvedSpec extends Omit<ServiceSpec, 'env'> {
  env: { key: string; value: string; secret: boolean }[]
}

/** The project a spec belongs to, as the engine mapping needs it. */
export interface ProjectRef {
  id: string
  name: string
}
