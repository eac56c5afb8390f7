/**
 * shoal (node entry): filled in by later issues.
 * @module
 */
export {};
