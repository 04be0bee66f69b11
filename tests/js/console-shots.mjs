// The console's screenshots (shown in docs/console.md) are produced by the test run. A plain run writes them to a
// temporary directory and compares each with the committed one in docs/console/ (the same size within SLACK
// pixels, and at most MAX_DIFF of its pixels visibly different, the part where the two do not overlap counted as
// different; so text that legitimately varies, such as an id or a "replayed in 87 ms", does not count);
// `UPDATE_SCREENSHOTS=1` writes them over the committed ones instead. Either way the work tree is left as it was
// unless an update is asked for.
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const COMMITTED = fileURLToPath(new URL("../../docs/console/", import.meta.url));
/** Largest share of pixels that may differ from the committed screenshot. */
const MAX_DIFF = 0.02;
/** A pixel differs when a channel moves by more than this (anti-aliasing noise stays under it). */
const CHANNEL = 40;
/** Pixels by which a width or height may differ (a line of varying text one pixel taller); more is drift. */
const SLACK = 4;

export function screenshots(context) {
  const update = process.env.UPDATE_SCREENSHOTS === "1";
  const dir = update ? COMMITTED : mkdtempSync(join(tmpdir(), "cidguard-shots-"));
  mkdirSync(dir, { recursive: true });
  const drift = [];
  let comparer = null;

  /** Compares two PNGs in Chromium (decoded by the browser, no image library): { size, ratio }. */
  async function compare(a, b) {
    comparer ??= await context.newPage();
    return comparer.evaluate(async ([a, b, channel, slack]) => {
      const decode = async (b64) => createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: "image/png" }));
      const [x, y] = await Promise.all([decode(a), decode(b)]);
      if (Math.abs(x.width - y.width) > slack || Math.abs(x.height - y.height) > slack)
        return { size: `${y.width}x${y.height} instead of ${x.width}x${x.height}`, ratio: 1 };
      const w = Math.max(x.width, y.width), h = Math.max(x.height, y.height);
      const pixels = (img) => {
        const c = new OffscreenCanvas(w, h);
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, w, h).data;
      };
      const [p, q] = [pixels(x), pixels(y)];
      let differ = 0;
      for (let i = 0; i < p.length; i += 4) {
        if (Math.abs(p[i] - q[i]) > channel || Math.abs(p[i + 1] - q[i + 1]) > channel || Math.abs(p[i + 2] - q[i + 2]) > channel ||
          Math.abs(p[i + 3] - q[i + 3]) > channel) differ++;
      }
      return { size: null, ratio: differ / (p.length / 4) };
    }, [a, b, CHANNEL, SLACK]);
  }

  return {
    /** Screenshots `locator` as `name`.png and, on a plain run, compares it with the committed one. */
    async shot(locator, name, options = {}) {
      const path = join(dir, `${name}.png`);
      await locator.screenshot({ path, animations: "disabled", ...options });
      if (update) return;
      const committed = join(COMMITTED, `${name}.png`);
      if (!existsSync(committed)) return drift.push(`${name}.png: not committed yet`);
      const { size, ratio } = await compare(readFileSync(committed).toString("base64"), readFileSync(path).toString("base64"));
      if (size || ratio > MAX_DIFF) drift.push(`${name}.png: ${size ?? `${(ratio * 100).toFixed(1)}% of the pixels differ`}`);
    },
    /** The screenshots that drifted from the committed ones, with the hint to update them. */
    drifted() {
      return drift.length ? `${drift.join("; ")}. The console changed how it looks: run the suite with UPDATE_SCREENSHOTS=1 ` +
        "(e.g. UPDATE_SCREENSHOTS=1 node --test tests/js/console.e2e.test.mjs tests/js/console.lists.test.mjs) and commit docs/console/." : null;
    },
    async close() {
      await comparer?.close().catch(() => {});
      if (!update) rmSync(dir, { recursive: true, force: true });
    },
  };
}
