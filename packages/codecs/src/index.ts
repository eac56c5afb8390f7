/**
 * @shoal/codecs (index entry): filled in by later issues.
 * @module
 */
export {};
