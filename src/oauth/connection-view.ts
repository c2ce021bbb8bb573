/** One OAuth connection (a grant), as a human sees it in the list. Plain data: the dashboard imports it. */
export interface ConnectionView {
  id: string;
  person: string;
  role: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  createdAt: string;
  /** When the grant lapses unless refreshed again; null when it does not. */
  expiresAt: string | null;
}
