/**
 * The demo: `npm run demo` serves it on http://127.0.0.1:5173; `vite build --config
 * demo/vite.config.ts` writes a static site to demo-dist/ (relative URLs, so it works
 * from any directory of any static server).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../demo-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
});
