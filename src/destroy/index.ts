export { destroy, type DestroyFailure, type DestroyParams, type DestroyResult } from './destroy.js';
