
export { caught } from '../helpers/errors';
