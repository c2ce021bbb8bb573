// Every table of the ledger, one file per area; drizzle-kit reads this module.
export * from './audit';
export * from './status';
export * from './intents';
