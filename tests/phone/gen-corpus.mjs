// Deterministic (seeded) generator of the phone-number differential corpus: inputs as people, PBXes and
// carriers write them, for 60 regions and the non-geographic codes. Each case is { number, country }.
//
// The oracle (npm google-libphonenumber, dev-only) provides example numbers and their national,
// international, out-of-country and RFC 3966 renderings; the generator mutates digits (valid and invalid
// numbers, too short, too long) and the presentation (separators, (0), IDD prefixes, tel: URIs, extensions,
// full-width / Arabic-Indic digits, NBSP) and adds garbage.
//
// Usage: node tests/phone/gen-corpus.mjs [count] [seed]  → JSON lines on stdout.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lib = require('google-libphonenumber');
const util = lib.PhoneNumberUtil.getInstance();
const PNF = lib.PhoneNumberFormat;
const PNT = lib.PhoneNumberType;

/** Regions with national formats read with their own default region (the first six are weighted up). */
export const MAIN_REGIONS = ['FR', 'GB', 'US', 'DE', 'IN', 'BR'];
export const REGIONS = [
  ...MAIN_REGIONS,
  'AR', 'MX', 'CN', 'JP', 'KR', 'RU', 'IT', 'ES', 'NL', 'BE', 'CH', 'AT', 'SE', 'NO', 'DK', 'FI', 'PL', 'PT',
  'IE', 'AU', 'NZ', 'ZA', 'NG', 'EG', 'KE', 'SA', 'AE', 'IL', 'TR', 'ID', 'TH', 'VN', 'PH', 'MY', 'SG', 'HK',
  'TW', 'CA', 'PK', 'BD', 'UA', 'RO', 'CZ', 'GR', 'HU', 'CO', 'CL', 'PE', 'MA', 'KZ', 'SM', 'VA', 'GG', 'JM',
];
const NON_GEO = [800, 808, 870, 881, 882, 883, 888, 979];
const TYPES = [PNT.MOBILE, PNT.FIXED_LINE, PNT.TOLL_FREE, PNT.PREMIUM_RATE, PNT.VOIP, PNT.SHARED_COST, PNT.UAN];

/** mulberry32: a small seeded PRNG, so the corpus is the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Example national significant numbers per region (and per non-geographic code). */
function examples() {
  const out = [];
  for (const region of REGIONS) {
    const cc = util.getCountryCodeForRegion(region);
    for (const t of TYPES) {
      const n = util.getExampleNumberForType(region, t);
      if (n) out.push({ region, cc, nsn: util.getNationalSignificantNumber(n) });
    }
  }
  for (const cc of NON_GEO) {
    const n = util.getExampleNumberForNonGeoEntity(cc);
    if (n) out.push({ region: '001', cc, nsn: util.getNationalSignificantNumber(n) });
  }
  return out;
}

const FULLWIDTH = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + +d)).replace(/\+/g, '＋');
const ARABIC_INDIC = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x660 + +d));
const EXT_ARABIC_INDIC = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x6f0 + +d));
const NBSP = (s) => s.replace(/ /g, '\u00a0');

const GARBAGE = [
  '', ' ', 'anonymous', 'Anonymous', 'unknown', 'restricted', 'private', '0', '00', '+', '++', '+-', 'n/a', '-',
  'john.doe908@example.com', 'sip:alice@example.com', 'sip:+33123456789@example.com', '12', '123', '1234',
  '+1', '+12', '+123', '+999', '+0 123 456', '++433453119', '0000000000', '+0000000000', '911', '112', '*67',
  '#31#', '1-800-FLOWERS', '1-800-MY-APPLE', 'CALL-ME-NOW', '(555) BIG-DEAL', 'tel:', 'tel:+', 'tel:abc',
  'tel:+1-650-253-0000;phone-context=', 'tel:253-0000;phone-context=+', 'tel:253-0000;phone-context=1.x',
  '１２３', '\u0661\u0662', 'ext. 123', 'x123', '+44 (0)', '  +33  ', '1234567890123456789012',
  '+1234567890123456789', '99999999999999999999', 'abc 123 def 456', '123 abc', 'Phone: none', '\u00a0\u00a0',
];

/**
 * Digits of other scripts (Devanagari, Bengali, Thai): Java's libphonenumber and cidguard read every Unicode
 * decimal digit; the JS port (the oracle) only ASCII, full-width and Arabic-Indic ones. Listed as accepted
 * disagreements in the differential test.
 */
const DIGITS_FROM = (zero) => (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(zero + +d));
export const OTHER_SCRIPT_CASES = [
  { number: DIGITS_FROM(0x966)('+91 98765 43210'), country: 'IN' },
  { number: DIGITS_FROM(0x966)('098765 43210'), country: 'IN' },
  { number: DIGITS_FROM(0x9e6)('01712-345678'), country: 'BD' },
  { number: DIGITS_FROM(0xe50)('081 234 5678'), country: 'TH' },
];

function randomGarbage(r) {
  const alphabet = '0123456789 +-().abcxyz#*/;,';
  let s = '';
  const len = Math.floor(r() * 24);
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

/** Replaces the digits at the end of `nsn` by random ones, or drops / adds a digit. */
function mutate(nsn, r) {
  const p = r();
  const randDigit = () => String(Math.floor(r() * 10));
  if (p < 0.2) return nsn;
  if (p < 0.8) {
    const k = 1 + Math.floor(r() * Math.min(4, nsn.length - 1));
    let tail = '';
    for (let i = 0; i < k; i++) tail += randDigit();
    return nsn.slice(0, nsn.length - k) + tail;
  }
  if (p < 0.9) return nsn.slice(0, -1);
  return nsn + randDigit();
}

/** Re-separates a formatted number: spaces become dashes, dots, slashes or nothing. */
function separators(s, r) {
  const seps = [' ', ' ', '-', '.', '', '/', ' - '];
  const sep = seps[Math.floor(r() * seps.length)];
  return sep === ' ' ? s : s.replace(/ /g, sep);
}

function tryParse(e164) {
  try {
    return util.parse(e164, 'ZZ');
  } catch {
    return null;
  }
}

/** Generates `count` cases from `seed`. */
export function generateCorpus(count = 24000, seed = 20261123) {
  const r = rng(seed);
  const pick = (arr) => arr[Math.floor(r() * arr.length)];
  const ex = examples();
  const cases = [];
  const push = (number, country) => cases.push({ number, country });
  while (cases.length < count - OTHER_SCRIPT_CASES.length) {
    const kind = r();
    // Prefer the six main regions for national formats.
    const e = r() < 0.35 ? pick(ex.filter((x) => MAIN_REGIONS.includes(x.region))) : pick(ex);
    const nsn = mutate(e.nsn, r);
    const n = tryParse(`+${e.cc}${nsn}`);
    const geo = e.region !== '001';
    const home = geo ? e.region : pick(REGIONS);
    const intl = n ? util.format(n, PNF.INTERNATIONAL) : `+${e.cc} ${nsn}`;
    const national = n && geo ? util.format(n, PNF.NATIONAL) : nsn;
    const np = geo ? util.getMetadataForRegion(e.region).getNationalPrefix() : null;
    if (kind < 0.3) {
      // National format with the default region.
      push(separators(national, r), home);
    } else if (kind < 0.36) {
      // National prefix + digits, no formatting.
      push(`${np || ''}${nsn}`, home);
    } else if (kind < 0.52) {
      // +CC, read with any default region.
      push(r() < 0.5 ? separators(intl, r) : `+${e.cc}${nsn}`, pick(REGIONS));
    } else if (kind < 0.56) {
      // +CC (0) …: the trunk prefix people keep in international format.
      push(`+${e.cc} (${np || '0'})${national.replace(new RegExp(`^${np || '0'}`), '')}`, pick(REGIONS));
    } else if (kind < 0.66) {
      // An international prefix dialled from somewhere else.
      const from = pick(REGIONS);
      const out = n ? util.formatOutOfCountryCallingNumber(n, from) : `00 ${e.cc} ${nsn}`;
      const variant = r();
      if (variant < 0.5) push(separators(out, r), from);
      else if (variant < 0.75) push(`00${e.cc}${nsn}`, pick(['FR', 'DE', 'GB', 'IN', 'BR', 'IT', 'ES', 'CN']));
      else push(`011 ${e.cc} ${nsn}`, pick(['US', 'CA', 'JM']));
    } else if (kind < 0.72) {
      // tel: URIs, with extension, phone-context or ISDN subaddress.
      const uri = n ? util.format(n, PNF.RFC3966) : `tel:+${e.cc}-${nsn}`;
      const v = r();
      if (v < 0.4) push(uri, pick(REGIONS));
      else if (v < 0.6) push(`${uri};ext=${Math.floor(r() * 1000)}`, pick(REGIONS));
      else if (v < 0.75) push(`tel:${nsn};phone-context=+${e.cc}`, pick(REGIONS));
      else if (v < 0.85) push(`tel:${np || ''}${nsn};phone-context=example.com`, home);
      else push(`${uri};isub=1234`, pick(REGIONS));
    } else if (kind < 0.76) {
      // Extensions in free text.
      const ext = pick([' ext. 123', ' x 45', ' #12', ' ext 7', ',,321', ' extension 9', ';55', ' доб. 12', ' x1234567890']);
      push(`${r() < 0.5 ? national : intl}${ext}`, home);
    } else if (kind < 0.83) {
      // Other digit scripts and non-breaking spaces.
      const base = r() < 0.5 ? national : intl;
      const f = pick([FULLWIDTH, ARABIC_INDIC, EXT_ARABIC_INDIC, NBSP]);
      push(f(base), home);
    } else if (kind < 0.87) {
      // The default region's calling code written without + (the "starts with the country code" heuristic).
      const cc = geo ? util.getCountryCodeForRegion(home) : e.cc;
      push(`${cc}${nsn}`, home);
    } else if (kind < 0.9) {
      // Numbers inside text.
      push(pick(['Tel: ', 'call ', 'Phone number is ', 'mobile:', '☎ ']) + (r() < 0.5 ? national : intl) + pick(['', '.', ' thanks', ' (office)', '!']), home);
    } else if (kind < 0.95) {
      push(pick(GARBAGE), pick(REGIONS));
    } else {
      push(randomGarbage(r), pick(REGIONS));
    }
  }
  return [...cases, ...OTHER_SCRIPT_CASES];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [count, seed] = process.argv.slice(2).map(Number);
  for (const c of generateCorpus(count || undefined, seed || undefined)) console.log(JSON.stringify(c));
}
