import type { CommitDetails, Dataset } from "shoal";
import { errorBox, h } from "./dom.ts";

const ROW = 26;
const LANE = 16;

/** The commit graph (one lane per branch, edges to parents) and a diff between two chosen commits. */
export async function renderVersions(el: HTMLElement, ds: Dataset, openBranch: (branch: string) => Promise<Dataset>): Promise<void> {
  let commits: CommitDetails[];
  let branches: string[];
  try {
    branches = await ds.branches();
    // commits() walks one branch's ancestry; the graph needs every branch's, each commit once, newest first.
    const seen = new Map<string, CommitDetails>();
    for (const b of branches) {
      const on = b === ds.branch ? ds : await openBranch(b);
      for (const c of await on.commits()) if (!seen.has(c.commit)) seen.set(c.commit, c);
    }
    commits = [...seen.values()].sort((x, y) => y.time.getTime() - x.time.getTime());
  } catch (e) {
    el.replaceChildren(errorBox(e, "version history"));
    return;
  }
  const lanes = new Map<string, number>(branches.map((b, i) => [b, i]));
  const rowOf = new Map(commits.map((c, i) => [c.commit, i]));
  const width = Math.max(1, branches.length) * LANE + 8;
  const svgNs = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(commits.length * ROW));
  const at = (c: CommitDetails, i: number) => [8 + (lanes.get(c.branch) ?? 0) * LANE, i * ROW + ROW / 2] as const;
  commits.forEach((c, i) => {
    const [x, y] = at(c, i);
    for (const p of c.parents) {
      const j = rowOf.get(p);
      if (j === undefined) continue;
      const [px, py] = at(commits[j]!, j);
      const line = document.createElementNS(svgNs, "line");
      for (const [k, v] of [["x1", x], ["y1", y], ["x2", px], ["y2", py]] as const) line.setAttribute(k, String(v));
      line.setAttribute("class", "edge");
      svg.append(line);
    }
  });
  commits.forEach((c, i) => {
    const [x, y] = at(c, i);
    const dot = document.createElementNS(svgNs, "circle");
    dot.setAttribute("cx", String(x));
    dot.setAttribute("cy", String(y));
    dot.setAttribute("r", "5");
    dot.setAttribute("class", `dot lane-${lanes.get(c.branch) ?? 0}`);
    svg.append(dot);
  });
  const list = h("ol", { class: "commits", id: "commit-list" });
  for (const c of commits) {
    list.append(h("li", { "data-commit": c.commit, style: `height:${ROW}px` }, h("code", {}, c.commit.slice(0, 8)), " ", h("span", { class: "branch" }, c.branch), " ", c.message ?? "(uncommitted)", " ", h("span", { class: "muted" }, c.time.toISOString().slice(0, 16).replace("T", " "))));
  }
  const pick = (id: string, selected: number) => h("select", { id }, ...commits.map((c, i) => h("option", { value: c.commit, selected: i === selected }, `${c.commit.slice(0, 8)} ${c.message ?? ""}`)));
  const a = pick("diff-a", Math.min(1, commits.length - 1));
  const b = pick("diff-b", 0);
  const out = h("pre", { id: "diff-out", class: "diff" });
  const run = async () => {
    out.replaceChildren("…");
    try {
      out.replaceChildren(await ds.diff(a.value, b.value));
    } catch (e) {
      out.replaceChildren(errorBox(e, "diff"));
    }
  };
  el.replaceChildren(
    h("h2", {}, `Versions · ${branches.length} branch${branches.length === 1 ? "" : "es"}: ${branches.join(", ")}`),
    h("div", { class: "graph" }, svg, list),
    h("div", { class: "diff-bar" }, "diff ", a, " → ", b, " ", h("button", { id: "diff-run", onclick: () => void run() }, "Diff")),
    out,
  );
}
