/**
 * @shoal/storage (fs entry): filled in by later issues.
 * @module
 */
export {};
