// Bundles the app's two entry points into the jar's static resources (target/classes/META-INF/resources/app).
import { build } from 'esbuild';

await build({
  entryPoints: { launch: 'src/app/launch.ts', app: 'src/app/main.ts' },
  outdir: 'target/classes/META-INF/resources/app',
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['es2020'],
  // fhirclient's "pure" build: no fetch polyfill, modern browsers only.
  define: { FHIRCLIENT_PURE: 'true' },
  logLevel: 'info',
});
