// Writes tests/vectors/normalize.json: hand-picked inputs whose expected
// results come from the oracle (Google's libphonenumber, npm google-libphonenumber), so every runtime (native,
// Node, workerd, Chromium) is held to libphonenumber's answers.
//
// Run: node tests/phone/gen-vectors.mjs

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { oracle } from './oracle.mjs';

const dir = fileURLToPath(new URL('../vectors/', import.meta.url));

const CASES = [
  // [name, number, country]
  ['FR national, spaces', '01 23 45 67 89', 'FR'],
  ['FR national mobile, dots', '06.12.34.56.78', 'FR'],
  ['FR international with (0)', '+33 (0)6 12 34 56 78', 'FR'],
  ['FR from abroad with 00', '00 33 6 12 34 56 78', 'DE'],
  ['FR from the US with 011', '011 33 6 12 34 56 78', 'US'],
  ['FR national read with US default is not French', '06 12 34 56 78', 'US'],
  ['GB national, spaces', '020 7946 0958', 'GB'],
  ['GB mobile, dashes', '07400-123456', 'GB'],
  ['GB international, parentheses', '+44 (20) 7946 0958', 'US'],
  ['GB from France with 00', '0044 20 7946 0958', 'FR'],
  ['GG shares +44: region by leading digits', '+44 1481 256789', 'GB'],
  ['US national, parentheses and dash', '(201) 555-0123', 'US'],
  ['US with trunk 1', '1-201-555-0123', 'US'],
  ['US E.164', '+12015550123', 'FR'],
  ['US 555-01xx fictional range is invalid', '+1 555 010 1234', 'US'],
  ['CA shares +1', '+1 204 234 5678', 'US'],
  ['US from Germany with 00', '00 1 201 555 0123', 'DE'],
  ['DE national, slash', '030/123456', 'DE'],
  ['DE mobile', '0151 23456789', 'DE'],
  ['DE international', '+49 30 123456', 'FR'],
  ['IN national mobile', '098765 43210', 'IN'],
  ['IN national starting 91 is not a country code', '91048 73681', 'IN'],
  ['IN international', '+91 98765 43210', 'GB'],
  ['IN written with 91 and no plus', '919876543210', 'IN'],
  ['BR national with area code', '(11) 96123-4567', 'BR'],
  ['BR national with trunk 0 and carrier code', '0 21 11 96123-4567', 'BR'],
  ['BR international', '+55 11 96123-4567', 'US'],
  ['BR from abroad with 00', '00 55 11 96123 4567', 'PT'],
  ['EG international not rewritten by US rules', '+20 10 9742 2322', 'US'],
  ['KR international not rewritten by BR rules', '+82-10-2994-6824', 'BR'],
  ['AR mobile national with 15 → 9', '011 15-2345-6789', 'AR'],
  ['RU from Russia with 8~10', '8 10 33 6 12 34 56 78', 'RU'],
  ['JP national', '090-1234-5678', 'JP'],
  ['IT fixed line keeps its leading zero', '+39 02 1234 5678', 'IT'],
  ['Non-geographic +800', '+800 1234 5678', 'FR'],
  ['tel: URI', 'tel:+33-6-12-34-56-78', 'US'],
  ['tel: URI with extension', 'tel:+1-201-555-0123;ext=42', 'FR'],
  ['tel: URI with phone-context', 'tel:612345678;phone-context=+33', 'US'],
  ['extension in text', '+44 20 7946 0958 ext. 123', 'GB'],
  ['full-width digits', '０６ １２ ３４ ５６ ７８', 'FR'],
  ['Arabic-Indic digits', '+٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨', 'GB'],
  ['non-breaking spaces', '06\u00a012\u00a034\u00a056\u00a078', 'FR'],
  ['vanity letters', '1-800-FLOWERS', 'US'],
  ['lower-case country', '01 23 45 67 89', 'fr'],
  ['number in text', 'Tel: +33 6 12 34 56 78.', 'FR'],
  ['short national number parses but is not valid', '06 12', 'FR'],
  ['too short after IDD', '00 3', 'FR'],
  ['too long', '+33 6 12 34 56 78 90 12 34 56 78', 'FR'],
  ['unknown country calling code', '+999 123 456', 'FR'],
  ['IDD followed by 0', '00 0 6 12 34 56 78', 'FR'],
  ['garbage: word', 'anonymous', 'FR'],
  ['garbage: e-mail', 'john.doe@example.com', 'US'],
  ['garbage: blank', '   ', 'GB'],
  ['garbage: plus only', '+', 'DE'],
  ['garbage: bad phone-context', 'tel:253-0000;phone-context=', 'US'],
  ['unknown country', '01 23 45 67 89', 'XX'],
  ['country that is not alpha-2', '01 23 45 67 89', 'FRA'],
  ['blank country', '+33 6 12 34 56 78', '  '],
];

function expectOf(result) {
  return result.ok ? { ok: result.ok } : { error: { field: result.error.field, code: result.error.code } };
}

const normalize = {
  function: 'normalize',
  cases: CASES.map(([name, number, country]) => ({ name, args: [number, country], expect: expectOf(oracle(number, country)) })),
};
writeFileSync(`${dir}normalize.json`, `${JSON.stringify(normalize, null, 2)}\n`);

console.log(`wrote ${normalize.cases.length} cases`);
