import type { Queryable } from '../../../src/event-store/index.js';
import type { Projection } from '../../../src/projections/projection.js';

/**
 * A projection that also notes, in the transaction that applies them, which events it applied
 * and who applied them (`projection_audit`). A row per committed application: an event applied
 * twice shows as two rows, whatever the read model makes of it.
 */
export async function createAuditTable(db: Queryable): Promise<void> {
  await db.query(`CREATE TABLE projection_audit (projection text NOT NULL, global_position bigint NOT NULL, applied_by text NOT NULL)`);
}

export function audited(projection: Projection, appliedBy: string): Projection {
  return {
    ...projection,
    async apply(events, target) {
      await projection.apply(events, target);
      await target.db.query(`INSERT INTO projection_audit SELECT $1, unnest($2::bigint[]), $3`, [
        projection.name,
        events.map((event) => event.globalPosition),
        appliedBy,
      ]);
    },
  };
}
