// Lint of README.md and docs/*.md:
// - every table must render as one table: a header row, a delimiter row (`|---|---|`) and body rows, each with
//   the header's number of cells, counted GFM's way (an escaped `\|`, also inside a code span, is not a
//   separator); a row-like line (`| … |`) that belongs to no table (e.g. after a blank line that split a table)
//   is reported too;
// - every function the docs name as code (`name(` in a code span) must exist in the code (src/, build/, worker/,
//   www/, and integrations/ for the SIP server configs), so the docs never describe a removed or imagined function.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The cells of a table row, split on unescaped pipes, the outer pipes dropped. */
export function cells(line) {
  const parts = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\" && line[i + 1] === "|") {
      cur += "\\|";
      i++;
    } else if (line[i] === "|") {
      parts.push(cur);
      cur = "";
    } else cur += line[i];
  }
  parts.push(cur);
  const t = line.trim();
  if (t.startsWith("|")) parts.shift();
  if (t.endsWith("|") && !t.endsWith("\\|")) parts.pop();
  return parts.map((c) => c.trim());
}

const isRow = (l) => l.trim().startsWith("|");
const isDelimiter = (l) => isRow(l) && cells(l).every((c) => /^:?-{3,}:?$/.test(c));

/** The problems of one Markdown text, as `line N: …` strings. */
export function lintTables(text) {
  const lines = text.split("\n");
  const problems = [];
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(```|~~~)/.test(lines[i])) fence = !fence;
    if (fence || !isRow(lines[i])) continue;
    if (!isDelimiter(lines[i + 1] ?? "")) {
      problems.push(`line ${i + 1}: a table row outside a table (no header and delimiter row above it)`);
      continue;
    }
    const width = cells(lines[i]).length;
    if (cells(lines[i + 1]).length !== width) problems.push(`line ${i + 2}: delimiter row has ${cells(lines[i + 1]).length} cells, header ${width}`);
    let j = i + 2;
    for (; j < lines.length && isRow(lines[j]); j++) {
      const n = cells(lines[j]).length;
      if (n !== width) problems.push(`line ${j + 1}: ${n} cells, the header has ${width}`);
    }
    i = j - 1;
  }
  return problems;
}

/** The functions a Markdown text names in code spans (`normalize(`, `MaskingState.route(`, `exports::call(`). */
export function namedFunctions(text) {
  const names = new Set();
  for (const span of text.match(/`[^`\n]+`/g) ?? []) {
    for (const m of span.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\(/g)) names.add(m[1]);
  }
  return [...names];
}

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(rs|js|mjs|html|cfg)$/.test(f) ? [readFileSync(p, "utf8")] : [];
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL("..", import.meta.url).pathname;
  const files = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const code = ["src", "build", "worker", "www", "integrations"].flatMap((d) => sources(join(root, d))).join("\n");
  let bad = 0;
  let tables = 0;
  let functions = 0;
  for (const f of files) {
    const text = readFileSync(join(root, f), "utf8");
    tables += text.split("\n").filter(isDelimiter).length;
    for (const p of lintTables(text)) {
      console.error(`${f}: ${p}`);
      bad++;
    }
    for (const name of namedFunctions(text)) {
      functions++;
      if (!new RegExp(`\\b${name}\\b`).test(code)) {
        console.error(`${f}: names \`${name}(\`, which the code does not have`);
        bad++;
      }
    }
  }
  if (bad) process.exit(1);
  console.log(`[lint-docs] ${tables} tables consistent, ${functions} named functions present, in ${files.length} files`);
}
