export { bootstrap, type BootstrapParams, type BootstrapResult } from './bootstrap.js';
export { resumeBootstrap, type ResumeBootstrapParams, type ResumeBootstrapResult } from './resume-bootstrap.js';
