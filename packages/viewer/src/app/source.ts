import type { Tensor } from "shoal";

/** What the grid shows: a dataset or any view of it (query result, saved view), row positions 0..numSamples. */
export interface Rows {
  readonly numSamples: number;
  tensor(name: string): Tensor;
  /** Dataset row of each position, shown in the inspector. */
  readonly sampleIndices?: Uint32Array;
}

export interface Schema {
  names: string[];
  image?: string;
  htypes: Record<string, string>;
}

export const OVERLAY_HTYPES = new Set(["bbox", "polygon", "keypoints_coco", "segment_mask", "binary_mask"]);
