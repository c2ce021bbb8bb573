/** A fresh project per test (its own context, sessions, events and query log), so tests never see each other's data. */
export function freshProject(prefix: string): { PROJECT_ID: string } {
  return { PROJECT_ID: `${prefix}-${crypto.randomUUID().slice(0, 12)}` };
}
