/**
 * Version strings, ClearML style: a PEP 440 subset (release, pre `a|b|rc`, `.post`, `.dev`, optional leading `v`).
 * Auto-increment bumps the last number of the most specific part present (dev > post > pre > release).
 * @module
 */

interface Parsed {
  release: number[];
  pre: [string, number] | undefined;
  post: number | undefined;
  dev: number | undefined;
}

const PATTERN = /^v?(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?$/i;

function parse(version: string): Parsed | undefined {
  const m = PATTERN.exec(version.trim());
  if (!m) return undefined;
  return {
    release: (m[1] as string).split(".").map(Number),
    pre: m[2] === undefined ? undefined : [m[2].toLowerCase(), Number(m[3])],
    post: m[4] === undefined ? undefined : Number(m[4]),
    dev: m[5] === undefined ? undefined : Number(m[5]),
  };
}

function format(v: Parsed): string {
  let s = v.release.join(".");
  if (v.pre) s += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  return s;
}

/** True for strings auto-increment and ordering understand. */
export function isValidVersion(version: string): boolean {
  return parse(version) !== undefined;
}

/** The next version after `version` (`1.0.0` → `1.0.1`, `2.3.4rc1` → `2.3.4rc2`); `undefined` if not parseable. */
export function nextVersion(version: string): string | undefined {
  const v = parse(version);
  if (!v) return undefined;
  if (v.dev !== undefined) v.dev += 1;
  else if (v.post !== undefined) v.post += 1;
  else if (v.pre) v.pre = [v.pre[0], v.pre[1] + 1];
  else v.release[v.release.length - 1] = (v.release[v.release.length - 1] as number) + 1;
  return format(v);
}

const PRE_RANK: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** Orders valid versions (PEP 440 precedence: dev < pre < final < post); invalid ones sort before valid ones. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  const n = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < n; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (d !== 0) return d;
  }
  const rank = (v: Parsed): [number, number, number, number] => [
    v.pre ? (PRE_RANK[v.pre[0]] as number) : v.dev !== undefined && v.post === undefined ? -1 : 3,
    v.pre ? v.pre[1] : 0,
    v.post ?? -1,
    v.dev ?? Number.POSITIVE_INFINITY,
  ];
  const rx = rank(x);
  const ry = rank(y);
  for (let i = 0; i < 4; i++) {
    const d = (rx[i] as number) - (ry[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
