/**
 * Who may do what. A key has one role; a role grants permissions, and each endpoint requires one
 * (see `@Requires`). The roles nest as the field works: a reporter records what a viewer reads, an
 * editor also judges what reporters recorded, an auditor reads everything but changes nothing.
 */
export const ROLES = ['viewer', 'reporter', 'editor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Timelines, incidents, actors, places, exports and the change feed. */
  'read',
  /** Record incidents and attach sources. */
  'record',
  /** Correct, verify, dispute and retract incidents; manage actors. */
  'edit',
  /** Histories of incidents and actors: who changed what, when and why. */
  'read_history',
  /** The whole log, seals, verification and the access log. */
  'audit',
  /** The reporter, contact, url and quote of confidential sources. */
  'see_confidential',
  /** API keys and anything not otherwise granted. */
  'admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  reporter: ['read', 'record'],
  editor: ['read', 'record', 'edit', 'read_history', 'see_confidential'],
  auditor: ['read', 'read_history', 'audit', 'see_confidential'],
  admin: PERMISSIONS,
};

/** Who makes a request: the name and role of its key, or the public when reads are open. */
export interface Principal {
  name: string;
  role: Role;
  /** A request without a key, let in by PUBLIC_READ. */
  anonymous?: boolean;
}

export function may(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
  return GRANTS[principal.role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return ROLES.includes(value as Role);
}

/** The principal of a request that comes without a key while PUBLIC_READ is on. */
export const PUBLIC_PRINCIPAL: Principal = { name: 'public', role: 'viewer', anonymous: true };
