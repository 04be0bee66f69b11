// The Markdown table lint (scripts/lint-md-tables.mjs) on known good and broken tables, then on the repository.
import test from "node:test";
import assert from "node:assert/strict";
import { cells, lintTables } from "../../scripts/lint-md-tables.mjs";

test("cells are split on unescaped pipes only, also inside code spans", () => {
  assert.deepEqual(cells("| `a\\|b` | c |"), ["`a\\|b`", "c"]);
  assert.deepEqual(cells("| `true|false` | c |"), ["`true", "false`", "c"]);
  assert.deepEqual(cells("|---|:---:|"), ["---", ":---:"]);
});

test("a table split by a blank line and a row with an extra cell are reported", () => {
  const good = "| a | b |\n|---|---|\n| 1 | `x\\|y` |\n";
  assert.deepEqual(lintTables(good), []);
  const split = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n";
  assert.match(lintTables(split)[0], /line 5: a table row outside a table/);
  const extra = "| a | b |\n|---|---|\n| 1 | `true|false` |\n";
  assert.match(lintTables(extra)[0], /line 3: 3 cells, the header has 2/);
  assert.deepEqual(lintTables("```\n| not | a table |\n```\n"), []);
});
