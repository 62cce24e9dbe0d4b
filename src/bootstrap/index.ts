export { bootstrap, type BootstrapParams, type BootstrapResult } from './bootstrap.js';
