import { z } from 'zod'
import { EntityId, RegistryServer } from './grammar'

/**
 * Logins for private image registries, used by image pulls on every host. The password goes in with `create`
 * and never comes out again: no response, event or log line holds it.
 */
export const RegistrySummary = z.object({
  id: z.string(),
  /** Normalized: lowercase `host[:port]`, `docker.io` for Docker Hub. */
  server: z.string(),
  username: z.string(),
  createdAt: z.string(),
})
export type RegistrySummary = z.infer<typeof RegistrySummary>

/**
 * Registry user names go into HTTP basic auth, where a `:` would end the user name early (RFC 7617); control
 * characters have no business in a header either.
 */
export const RegistryUsername = z
  .string()
  .min(1, 'User name is required')
  .max(255)
  .regex(/^[^:\p{Cc}]+$/u, 'User name may not contain ":" or control characters')

/** Passwords and access tokens (cloud registries hand out long ones) are taken as they are, apart from NUL. */
export const RegistryPassword = z
  .string()
  .min(1, 'Password is required')
  .max(8192)
  .regex(/^[^\0]+$/, 'Password may not contain NUL')

export const CreateRegistryInput = z
  .object({ server: RegistryServer, username: RegistryUsername, password: RegistryPassword })
  .strict()
export type CreateRegistryInput = z.input<typeof CreateRegistryInput>

export const RegistryIdInput = z.object({ id: EntityId }).strict()

export const RegistriesChanged = z.object({})
