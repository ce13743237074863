import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * GraphiQL's stylesheet carries its fonts inline as `data:` URLs, which the server's CSP
 * (`font-src 'self'`) refuses. This moves each one into its own hashed file under assets/.
 */
function fontsAsFiles(): Plugin {
  return {
    name: 'stride-fonts-as-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css')) continue;
        const css = typeof asset.source === 'string' ? asset.source : Buffer.from(asset.source).toString('utf8');
        const seen = new Map<string, string>();
        const rewritten = css.replace(/url\((["']?)data:font\/([\w-]+);base64,([A-Za-z0-9+/=]+)\1\)/g, (_match, _quote, kind: string, data: string) => {
          let name = seen.get(data);
          if (!name) {
            const reference = this.emitFile({ type: 'asset', name: `font.${kind}`, source: Buffer.from(data, 'base64') });
            name = this.getFileName(reference).replace(/^assets\//, '');
            seen.set(data, name);
          }
          return `url(./${name})`;
        });
        if (seen.size > 0) asset.source = rewritten;
      }
    },
  };
}

// Where `npm run dev` sends API calls: a running `stride serve`.
const target = process.env.STRIDE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [fontsAsFiles()],
  // The console's TSX uses Preact's JSX runtime (GraphiQL's page is plain TS with React).
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    // GraphiQL's own bundle is large (React, CodeMirror); the console stays small (npm run size).
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      onwarn(warning, warn) {
        // GraphiQL's dependencies carry React Server Components' "use client"; it means nothing here.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      input: {
        console: resolve(import.meta.dirname, 'index.html'),
        graphiql: resolve(import.meta.dirname, 'graphiql/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/graphql/ws': { target: target.replace(/^http/, 'ws'), ws: true, changeOrigin: false },
      '/graphql': { target, changeOrigin: false },
      '/console': { target, changeOrigin: false },
      '/oauth': { target, changeOrigin: false },
    },
  },
});
