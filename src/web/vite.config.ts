import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: process.env.PASSAGE_WEB_DIST ?? fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The server's CSP allows images from data: URLs but fonts and scripts only from 'self'; never inline assets.
    assetsInlineLimit: 0,
  },
  // `npm run dev:web` talks to a node started with `npm start` on its default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
