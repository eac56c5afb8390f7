/**
 * @shoal/storage (s3 entry): filled in by later issues.
 * @module
 */
export {};
