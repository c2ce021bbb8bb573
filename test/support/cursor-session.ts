/** A client timestamp `offsetMs` from now (Cursor snapshots carry the client's clock). */
export const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** A small unified diff: one file, one hunk, two lines added and one removed. */
export const DIFF =
  '--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1,2 +1,3 @@\n const a = 1;\n+const b = 2;\n-const c = 3;\n+const d = 4;\n';
