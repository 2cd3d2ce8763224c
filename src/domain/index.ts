/** The domain vocabulary and rules, shared by every layer (see README.md). */
export * from './vocabulary';
export * from './facts';
