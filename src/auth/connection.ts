/**
 * An OAuth connection a person approved for an app (ChatGPT, Claude, Cursor…): the caller it acts as comes
 * from the grant, not from a key. Plain data: it rides on the caller into the audit log and over RPC.
 */
export interface Connection {
  /** The grant's id: what the connections list shows and revocation takes. */
  id: string;
  /** The OAuth client: a registered id or a client metadata document URL. */
  clientId: string;
  /** The name the app gave itself (unverified for a registered client). */
  clientName: string;
  /** What the person granted: `hezlep:read`, and `hezlep:write` to change things. */
  scopes: string[];
}
