/**
 * Shape and value rules of the array htypes, applied after the sample has been cast to the tensor's dtype.
 * Convenience shapes Deep Lake accepts are normalised here: one box [4] → [1, 4], a scalar label → [1].
 * @module
 */
import { type NDArray, type TypedArray, ndarray } from "@shoal/core";
import { SampleShapeError, SampleValueError, type SampleErrorWhere } from "../errors.ts";
import type { HtypeSpec } from "../types.ts";

const fmt = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

function reshaped(a: NDArray, shape: number[]): NDArray {
  return ndarray(a.dtype, shape, a.data);
}

function checkRank(spec: HtypeSpec, a: NDArray, at: SampleErrorWhere): void {
  const rule = spec.rank;
  if (!rule) return;
  if (!rule.ranks.includes(a.shape.length)) {
    throw new SampleShapeError(at, `${spec.name} samples are ${spec.dims}; got shape ${fmt(a.shape)} (rank ${a.shape.length})`);
  }
  for (const { axis, size } of rule.fixedDims ?? []) {
    const d = a.shape[axis < 0 ? a.shape.length + axis : axis];
    if (d === undefined || !size.includes(d)) throw new SampleShapeError(at, `${spec.name} samples are ${spec.dims}; got shape ${fmt(a.shape)}`);
  }
}

function checkFinite(a: NDArray, what: string, at: SampleErrorWhere): void {
  const data = a.data as TypedArray;
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) throw new SampleValueError(at, `${what} value ${data[i]} at flat position ${i} is not finite`);
    }
  }
}

/** Convenience reshapes (Deep Lake accepts them), before the rank rules run. */
function normalizeShape(spec: HtypeSpec, a: NDArray, coordsMode: unknown): NDArray {
  const s = a.shape;
  switch (spec.name) {
    case "bbox":
      if (s.length === 1 && (s[0] === 4 || s[0] === 0)) return reshaped(a, [s[0] === 4 ? 1 : 0, 4]);
      return a;
    case "bbox.3d":
      if (s.length === 1 && s[0] === 0) return reshaped(a, coordsMode === "vertex" ? [0, 8, 3] : [0, 9]);
      if (s.length === 1 && s[0] === 9) return reshaped(a, [1, 9]);
      if (s.length === 2 && s[0] === 8 && s[1] === 3 && coordsMode === "vertex") return reshaped(a, [1, 8, 3]);
      return a;
    case "point":
      if (s.length === 1 && (s[0] === 2 || s[0] === 3)) return reshaped(a, [1, s[0]]);
      if (s.length === 1 && s[0] === 0) return reshaped(a, [0, 2]);
      return a;
    case "keypoints_coco":
      if (s.length === 1) return reshaped(a, [s[0]!, 1]);
      return a;
    case "class_label":
    case "instance_label":
    case "embedding":
      if (s.length === 0) return reshaped(a, [1]);
      return a;
    default:
      return a;
  }
}

/** Applies the htype's shape rules and value checks; returns the (possibly reshaped) array. */
export function validateArray(spec: HtypeSpec, input: NDArray, info: Record<string, unknown>, at: SampleErrorWhere): NDArray {
  const coords = info.coords as { mode?: unknown } | undefined;
  const a = normalizeShape(spec, input, coords?.mode);
  checkRank(spec, a, at);
  switch (spec.name) {
    case "bbox":
      checkFinite(a, "bbox", at);
      break;
    case "bbox.3d": {
      const mode = coords?.mode;
      const center = a.shape.length === 2 && a.shape[1] === 9;
      const vertex = a.shape.length === 3 && a.shape[1] === 8 && a.shape[2] === 3;
      if ((mode === "center" && !center) || (mode === "vertex" && !vertex) || (!center && !vertex)) {
        const want = mode === "vertex" ? "(boxes, 8, 3)" : mode === "center" ? "(boxes, 9)" : "(boxes, 9) or (boxes, 8, 3)";
        throw new SampleShapeError(at, `bbox.3d samples${mode ? ` in ${String(mode)} mode` : ""} are ${want}; got ${fmt(a.shape)}`);
      }
      checkFinite(a, "bbox.3d", at);
      break;
    }
    case "intrinsics":
      checkFinite(a, "intrinsics", at);
      break;
    case "keypoints_coco": {
      const rows = a.shape[0]!;
      if (rows % 3 !== 0) throw new SampleShapeError(at, `keypoints_coco samples are (3 × keypoints, objects); ${rows} rows is not a multiple of 3`);
      const k = (info.keypoints as unknown[] | undefined)?.length ?? 0;
      if (k > 0 && rows !== 3 * k) throw new SampleShapeError(at, `keypoints_coco tensor has ${k} keypoints, so samples need ${3 * k} rows; got ${rows}`);
      const cols = a.shape[1]!;
      const data = a.data as TypedArray;
      for (let r = 2; r < rows; r += 3) {
        for (let c = 0; c < cols; c++) {
          const v = Number(data[r * cols + c]!);
          if (v !== 0 && v !== 1 && v !== 2) throw new SampleValueError(at, `keypoint visibility at row ${r}, column ${c} is ${v}; must be 0, 1 or 2`);
        }
      }
      break;
    }
    case "segment_mask":
    case "instance_label": {
      const data = a.data as TypedArray;
      for (let i = 0; i < data.length; i++) {
        if (data[i]! < 0) throw new SampleValueError(at, `${spec.name} value ${String(data[i])} at flat position ${i} is negative`);
      }
      break;
    }
    case "image":
    case "image.rgb":
    case "image.gray":
      if (a.shape.length === 3 && a.shape[2] === 0) throw new SampleShapeError(at, `image has 0 channels: ${fmt(a.shape)}`);
      break;
  }
  return a;
}
