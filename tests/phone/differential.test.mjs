// Differential test: cidguard's normaliser against Google's libphonenumber (npm google-libphonenumber) on a
// deterministic corpus of 24,000 inputs over 60 default regions. Every disagreement must be accepted below,
// with its reason; an accepted entry that no longer occurs fails too, so the list stays true.
//
// Run: node --test tests/phone/   (PHONE_ENGINE=native to test the native build instead of pkg/)

import test from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { generateCorpus } from './gen-corpus.mjs';
import { oracle } from './oracle.mjs';
import { runEngine, loadWasm } from './engine.mjs';

/**
 * The JS port of libphonenumber stores the national number as a JS double (`parseInt`), so a 17-digit
 * national number above 2^53 loses its last digits; Java and cidguard keep the exact digits. Such numbers are
 * never valid (no plan has 17-digit numbers), they come from text whose letters are read as keypad digits.
 * Accepted when the oracle's E.164 is exactly ours rounded through a double.
 */
function jsDoublePrecision(ours, theirs) {
  if (!ours?.ok || !theirs?.ok || theirs.ok.valid || ours.ok.valid) return false;
  const split = (e164, cc) => e164.slice(1 + String(cc).length);
  for (const cc of [1, 2, 3].map((n) => ours.ok.e164.slice(1, 1 + n))) {
    if (!theirs.ok.e164.startsWith(`+${cc}`)) continue;
    const nsn = split(ours.ok.e164, cc);
    if (nsn.length >= 16 && split(theirs.ok.e164, cc) === String(Number(nsn)) && ours.ok.region === theirs.ok.region) {
      return true;
    }
  }
  return false;
}

const OTHER_SCRIPT =
  'digits of another script: Java libphonenumber and cidguard read every Unicode Nd digit, the JS port ' +
  'only ASCII, full-width and Arabic-Indic ones (it finds no number)';

/** Individually accepted disagreements: `${country}|${number}` → reason. */
const ACCEPTED = new Map([
  ['IN|+९१ ९८७६५ ४३२१०', OTHER_SCRIPT],
  ['IN|०९८७६५ ४३२१०', OTHER_SCRIPT],
  ['BD|০১৭১২-৩৪৫৬৭৮', OTHER_SCRIPT],
  ['TH|๐๘๑ ๒๓๔ ๕๖๗๘', OTHER_SCRIPT],
]);

const CASES = generateCorpus(24000, 20261123);

test('corpus is large and varied enough', () => {
  assert.ok(CASES.length >= 20000);
  assert.ok(new Set(CASES.map((c) => c.country)).size >= 40, 'at least 40 default regions');
});

test('cidguard agrees with libphonenumber', async () => {
  const ours = await runEngine(CASES);
  let agree = 0;
  let precision = 0;
  const seen = new Set();
  const unexplained = [];
  CASES.forEach((c, i) => {
    const theirs = oracle(c.number, c.country);
    if (isDeepStrictEqual(ours[i], theirs)) {
      agree++;
    } else if (jsDoublePrecision(ours[i], theirs)) {
      precision++;
    } else if (ACCEPTED.has(`${c.country}|${c.number}`)) {
      seen.add(`${c.country}|${c.number}`);
    } else {
      unexplained.push({ case: c, ours: ours[i], libphonenumber: theirs });
    }
  });
  const valid = CASES.filter((c, i) => ours[i].ok?.valid).length;
  console.log(
    `differential: ${CASES.length} inputs, ${agree} identical, ${precision} JS-double precision (accepted), ` +
      `${seen.size} listed, ${unexplained.length} unexplained; ${valid} valid numbers`,
  );
  assert.deepEqual(unexplained.slice(0, 20), [], `${unexplained.length} unexplained disagreements`);
  const stale = [...ACCEPTED.keys()].filter((k) => !seen.has(k));
  assert.deepEqual(stale, [], 'accepted disagreements that no longer occur');
});

test('normalizeMany gives, entry by entry, what normalize gives', { skip: process.env.PHONE_ENGINE === 'native' }, async () => {
  const wasm = await loadWasm();
  const byCountry = new Map();
  for (const c of CASES.slice(0, 5000)) byCountry.set(c.country, [...(byCountry.get(c.country) ?? []), c.number]);
  for (const [country, numbers] of byCountry) {
    const many = wasm.normalizeMany(numbers, country);
    numbers.forEach((n, i) => {
      let one;
      try {
        one = { ok: wasm.normalize(n, country) };
      } catch (e) {
        one = { error: { field: `numbers[${i}]`, code: e.code } };
      }
      const got = many[i].ok ? { ok: many[i].ok } : { error: { field: many[i].error.field, code: many[i].error.code } };
      assert.deepEqual(got, one, `${country} ${n}`);
    });
  }
  assert.throws(() => wasm.normalizeMany(['1'], 'XX'), (e) => e.field === 'country' && e.code === 'unknown_country');
});
