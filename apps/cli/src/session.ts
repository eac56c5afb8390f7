import type { Dataset } from "shoal";

const open = new Set<Dataset>();

/**
 * Registers a dataset opened by a command, so `main` closes it (releasing its write lock and flushing) when the
 * command ends, whether it succeeded or failed.
 */
export function track(ds: Dataset): Dataset {
  open.add(ds);
  return ds;
}

export async function closeAll(): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.allSettled(all.map((ds) => ds.close()));
}
