export * from './pipeline';
