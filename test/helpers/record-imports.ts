// Registers record-imports-hooks.js; run a program with `node --import <this file>`.
import { register } from 'node:module';

register(new URL('./record-imports-hooks.js', import.meta.url));
