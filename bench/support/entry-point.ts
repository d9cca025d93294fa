import { pathToFileURL } from 'node:url';

/** Whether the module at `moduleUrl` is the one node was started with (`tsx bench/x.ts`), not an import of the suite. */
export const isEntryPoint = (moduleUrl: string) => process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
