/** The domain vocabulary and rules, shared by every layer (see README.md). */
export * from './vocabulary';
export * from './facts';
export * from './task-view';
export * from './records';
export * from './activity-contracts';
export * from './rejections';
