import type { ActorLookup } from '../incidents/commands/resolve-actors.js';
import type { NameResolution } from '../actors/queries/actor-directory.js';

/**
 * The registry as one import sees it: each name is resolved once, and each id checked once. Rows
 * of a data set name the same few actors thousands of times.
 */
export function rememberingActors(directory: ActorLookup): ActorLookup {
  const names = new Map<string, Promise<NameResolution>>();
  const registered = new Set<string>();
  return {
    resolveName(name) {
      if (!names.has(name)) names.set(name, directory.resolveName(name));
      return names.get(name)!;
    },
    async registered(ids) {
      const unknown = ids.filter((id) => !registered.has(id));
      if (unknown.length > 0) for (const id of await directory.registered(unknown)) registered.add(id);
      return new Set(ids.filter((id) => registered.has(id)));
    },
  };
}
