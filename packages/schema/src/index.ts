export { LamError } from './errors';
