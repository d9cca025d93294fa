// `node --import tsx --import ./with-decorator-metadata.mjs src/worker.ts`: see decorator-metadata-hooks.mjs.
import { register } from 'node:module';

register('./decorator-metadata-hooks.mjs', import.meta.url);
