/**
 * envboot's library: the provider contract, the shared behaviour over it, the error
 * family, provider-state, the machine planner (zones, instance types, constraint
 * checks) and logging. Cloud-config lives in `envboot/cloudinit`, storage in `envboot/storage`, test
 * kits in `envboot/testing`, providers in `envboot/providers/<name>`.
 */
export * from './errors/index.js';
export * from './provider/index.js';
export * from './state/index.js';
export * from './planner/index.js';
export * from './firewall/index.js';
export * from './logging/index.js';
export * from './ssh/index.js';
export * from './wait-ssh/index.js';
export * from './configure/index.js';
export * from './provision/index.js';
export * from './bootstrap/index.js';
export * from './machines/index.js';
export * from './plan/index.js';
export * from './destroy/index.js';
