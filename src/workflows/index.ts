/** The workflows the worker runs; the bundler starts from this file. */
export { planWorkflow } from './plan';
export { taskWorkflow } from './task';
export { deliveryWorkflow, digestWorkflow, summaryWorkflow } from './delivery';
