import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { basemap } from './build/basemap.js';

/** The API's paths, for the development server's proxy (`npx vite --config web/vite.config.ts`). */
const API_PATHS = ['/incidents', '/timeline', '/regions', '/actors', '/places', '/events', '/changes', '/keys', '/audit', '/health', '/docs'];
const API_URL = process.env.API_URL ?? 'http://localhost:3000';

/**
 * The analyst's web page: built from web/ into dist/web, which the service serves at `/`.
 * Everything is bundled (scripts, styles, fonts, the map's background): the page makes no
 * request but to its own origin, so it works offline and under the service's CSP.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  plugins: [basemap()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Fonts and small images stay files (the CSP allows data: for them too, but files cache better).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: API_URL, changeOrigin: false }])),
  },
});
