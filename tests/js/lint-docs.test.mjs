// The docs lint (scripts/lint-docs.mjs) on known good and broken tables and on the functions a text names.
import test from "node:test";
import assert from "node:assert/strict";
import { cells, lintTables, namedFunctions } from "../../scripts/lint-docs.mjs";

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

test("the functions named in code spans are found", () => {
  assert.deepEqual(namedFunctions("call `normalize(number, country)` or `MaskingState.route(body, now)`; not f(x)"), [
    "normalize",
    "route",
  ]);
});
