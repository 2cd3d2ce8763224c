/** The domain vocabulary and rules, shared by every layer (see README.md). */
export * from './vocabulary';
export * from './facts';
export * from './task-view';
export * from './records';
export * from './activity-contracts';
export * from './rejections';
export * from './commands';
export * from './dates';
export * from './permissions';
export * from './rollup';
export * from './task-clock';
export * from './task-ref';
export * from './task-transitions';
export * from './task-step';
export * from './hierarchy';
