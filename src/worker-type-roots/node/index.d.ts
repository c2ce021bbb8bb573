// Worker code has no Node types. openai's declarations probe for `undici-types` by relative path, and
// undici-types says `/// <reference types="node" />`: with this folder as the Worker projects' only type root,
// that reference lands on this empty library instead of @types/node, so `node:` imports and Node globals
// (`process`, `Buffer`) in Worker code fail `npm run typecheck`.
export {};
