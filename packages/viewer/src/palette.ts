/** Overlay colours by class index (RGB); distinct and saturated so they stand out on photos. */
export const PALETTE: readonly (readonly [number, number, number])[] = [
  [255, 0, 0], [0, 200, 0], [0, 90, 255], [255, 200, 0], [255, 0, 255], [0, 220, 220], [255, 128, 0], [150, 60, 255],
];

export function classColor(index: number): readonly [number, number, number] {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
