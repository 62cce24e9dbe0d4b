export type {
  DeleteParams,
  GetParams,
  ListedObject,
  ListParams,
  ListResult,
  PutCondition,
  PutParams,
  PutResult,
  RemoveAllParams,
  Storage,
  StoredObject,
} from './storage.js';
export { StorageError, type StorageErrorCode } from './storage-errors.js';
export { compareKeys, validateKey } from './keys.js';
export { MemoryStorage } from './memory-storage.js';
export { FilesystemStorage, type FilesystemStorageParams } from './filesystem-storage.js';
