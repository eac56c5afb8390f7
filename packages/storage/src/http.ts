/**
 * @shoal/storage (http entry): filled in by later issues.
 * @module
 */
export {};
