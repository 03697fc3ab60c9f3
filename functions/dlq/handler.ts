import { dlqFunction } from './function';

// Once per cold start; a bad setting fails the start with a message naming it.
export const { handler } = dlqFunction();
