export { eventually } from '@task-manager/testing';
