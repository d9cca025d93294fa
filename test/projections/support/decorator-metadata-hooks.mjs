// Module hooks that compile the application's own TypeScript with decorator metadata.
//
// tsx (esbuild) runs TypeScript without `emitDecoratorMetadata`, and Nest's dependency injection
// reads the constructor parameter types from that metadata, so `node --import tsx src/worker.ts`
// fails to build the application context. `nest build` (tsc) emits it; these hooks do the same
// for files under src/, one file at a time, and leave everything else (and resolving `.js`
// imports to `.ts` files) to tsx. Registered by ./with-decorator-metadata.mjs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const sources = new URL('../../../src/', import.meta.url).href;

const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  inlineSourceMap: true,
};

export async function load(url, context, nextLoad) {
  if (!url.startsWith(sources) || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), { fileName, compilerOptions });
  return { format: 'module', source: outputText, shortCircuit: true };
}
