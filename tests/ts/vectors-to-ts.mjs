// Writes a TypeScript file that replays every shared vector case with an `ok` answer as a typed call of the
// package: its arguments must fit the export's parameter types and its expected answer the declared return
// type. Type-checked with `tsc --strict` by scripts/check-package.sh, so the hand-written types in src/wasm/
// cannot drift from what the core accepts and answers. (Error cases hand exports wrong values on purpose.)
import { loadVectors } from "../js/vectors-lib.mjs";

const lines = ['import * as cg from "cidguard";', ""];
let n = 0;
for (const file of loadVectors()) {
  const [cls, method] = file.function.includes(".") ? file.function.split(".") : [null, file.function];
  for (const c of file.cases) {
    if (!("ok" in c.expect)) continue;
    const args = c.args.map((a) => JSON.stringify(a));
    const call = cls ? `new cg.${cls}(${args[0]}).${method}(${args.slice(1).join(", ")})` : `cg.${method}(${args.join(", ")})`;
    const returned = cls ? `ReturnType<cg.${cls}["${method}"]>` : `ReturnType<typeof cg.${method}>`;
    lines.push(`// ${file.file}: ${c.name.replace(/\s+/g, " ")}`);
    lines.push(`export const call${n} = () => ${call};`);
    lines.push(`export const expect${n}: ${returned} = ${JSON.stringify(c.expect.ok)};`);
    n++;
  }
}
process.stdout.write(lines.join("\n") + "\n");
process.stderr.write(`[check-package] ${n} vector cases as typed calls\n`);
