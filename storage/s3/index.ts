/**
 * `envboot/storage/s3`: Storage on an S3 bucket. A subpath of its own, so that importing
 * `envboot/storage` (filesystem, memory) never loads the AWS SDK.
 */
export { S3Storage, createdMarker, type S3StorageParams } from './s3-storage.js';
