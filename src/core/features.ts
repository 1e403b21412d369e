/** Registers the feature modules beyond tasks (proposals, digests, export) with the dispatcher. */
export {};
