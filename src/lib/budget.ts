/**
 * GPT Actions reject or cut answers over 100,000 characters, and MCP sends a small answer twice (as text and as
 * structuredContent). Every gpt-facing answer stays under ANSWER_BUDGET_CHARS in the worst case its limits allow:
 * a list fills at most LIST_BUDGET_CHARS, then stops with `truncated: true` and a cursor where it can go on.
 */
export const ANSWER_BUDGET_CHARS = 100_000;
export const LIST_BUDGET_CHARS = 60_000;

/** Characters an item adds to a JSON list (its encoding and a comma). */
export function jsonChars(value: unknown): number {
  return JSON.stringify(value).length + 1;
}

/**
 * The longest prefix of `items` whose JSON fits `budget` characters (at least one item: each item is bounded
 * on its own), and whether anything was left out.
 */
export function fitList<T>(items: readonly T[], budget = LIST_BUDGET_CHARS): { items: T[]; cut: boolean } {
  let used = 0;
  let count = 0;
  for (const item of items) {
    used += jsonChars(item);
    if (used > budget && count > 0) break;
    count++;
  }
  return { items: items.slice(0, count), cut: count < items.length };
}
