#!/usr/bin/env node
// Passage runs its TypeScript sources directly, which needs Node.js 24 (installed with the project by `npm install`).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `passage: Node.js 24 or later is needed (this is ${process.version}). Run it through npm (npx passage …, npm run passage -- …), which uses the project's Node.js 24.`,
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
