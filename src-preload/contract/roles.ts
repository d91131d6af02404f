/**
 * Roles and what they may do, without zod: the renderer's first chunk checks permissions on every
 * button and must not pull in every schema of the contract to do it.
 */
export const ROLES = ['admin', 'deployer', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** What a request, event or stream needs: `read` (viewer), `operate` (deployer), `admin`. */
export type Permission = 'read' | 'operate' | 'admin'

const RANK: Record<Role, number> = { viewer: 0, deployer: 1, admin: 2 }
const NEEDED: Record<Permission, number> = { read: 0, operate: 1, admin: 2 }

export function roleAllows(role: Role, permission: Permission): boolean {
  return RANK[role] >= NEEDED[permission]
}
