import type { RecordedEvent } from './event.js';

/** Turns the data of one schema version into the next one's. */
export type Upcaster = (data: any, event: RecordedEvent) => unknown;

interface EventSchema {
  currentVersion: number;
  /** upcasters[v] turns version v into v + 1 */
  upcasters: Map<number, Upcaster>;
}

/**
 * The schema version of each event type, and the functions that upgrade old versions on read.
 * Stored events are never rewritten; readers always see the current shape.
 */
export class EventSchemas {
  private readonly schemas = new Map<string, EventSchema>();

  /** Declares that `type` is now at `version`, upgraded from `version - 1` by `upcaster`. */
  register(type: string, version: number, upcaster: Upcaster): this {
    const schema = this.schemas.get(type) ?? { currentVersion: 1, upcasters: new Map() };
    if (version < 2) throw new Error(`Upcasters start at schema version 2 (${type} ${version})`);
    if (schema.upcasters.has(version - 1)) throw new Error(`${type} already has an upcaster to version ${version}`);
    schema.upcasters.set(version - 1, upcaster);
    schema.currentVersion = Math.max(schema.currentVersion, version);
    this.schemas.set(type, schema);
    return this;
  }

  /** Whether any event type has an upcaster: reads then change events, in code that stays in this thread. */
  get upcasts(): boolean {
    return this.schemas.size > 0;
  }

  currentVersion(type: string): number {
    return this.schemas.get(type)?.currentVersion ?? 1;
  }

  upcast<E extends RecordedEvent>(event: E): E {
    const schema = this.schemas.get(event.type);
    if (!schema || event.schemaVersion >= schema.currentVersion) return event;
    let upgraded: E = event;
    for (let version = event.schemaVersion; version < schema.currentVersion; version++) {
      const upcaster = schema.upcasters.get(version);
      if (!upcaster) throw new Error(`No upcaster for ${event.type} from schema version ${version}`);
      upgraded = { ...upgraded, data: upcaster(upgraded.data, upgraded), schemaVersion: version + 1 };
    }
    return upgraded;
  }
}
