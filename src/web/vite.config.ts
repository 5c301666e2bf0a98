import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = process.env.PASSAGE_WEB_DIST ?? fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * Writes a brotli (best quality) and a gzip copy beside each text file of the build, once, so that the server sends
 * compressed files without compressing them on every request (it serves them with `preCompressed`).
 */
function precompress(): Plugin {
  return {
    name: 'passage-precompress',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir ?? outDir;
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !/\.(js|css|html|json|svg|txt)$/.test(entry.name)) continue;
        const path = join(entry.parentPath, entry.name);
        const content = readFileSync(path);
        if (content.length < 1024) continue;
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
        );
        writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // The server's CSP allows images from data: URLs but fonts and scripts only from 'self'; never inline assets.
    assetsInlineLimit: 0,
  },
  // `npm run dev:web` talks to a node started with `npm start` on its default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
