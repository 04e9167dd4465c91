/**
 * What a bundled program must leave out of its bundle and load from node_modules at run time
 * (README, "Bundling"). A bundler that inlines a module also bypasses `require` and `import`
 * for it, so the instrumentations could no longer patch it, and a second copy of this package
 * would be a second, never started, tracing runtime. Patterns in esbuild's `external` syntax.
 * (No imports: the build scripts read this without loading the SDK.)
 */
export const BUNDLE_EXTERNALS: readonly string[] = [
  // What the instrumentations patch (test/externals.test.ts holds this to INSTRUMENTED_MODULES).
  // The whole AWS SDK, so only one copy of each of its packages exists.
  'express',
  'pino',
  '@aws-sdk/*',
  '@smithy/*',
  // The SDK and its module hooks.
  '@opentelemetry/*',
  'import-in-the-middle',
  'require-in-the-middle',
  // This package: the entry point starts the one tracing runtime the program then uses.
  '@task-manager/telemetry',
];
