export { LamError } from '@lam/schema';
