/**
 * @shoal/loader (index entry): filled in by later issues.
 * @module
 */
export {};
