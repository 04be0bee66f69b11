// The test oracle: Google's libphonenumber (npm google-libphonenumber, dev-only), in the result shape of
// cidguard's `normalize`: { ok: { e164, region, valid } } or { error: { field, code } }.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lib = require('google-libphonenumber');
const util = lib.PhoneNumberUtil.getInstance();

const CODES = {
  'Invalid country calling code': 'invalid_country_code',
  'The string supplied did not seem to be a phone number': 'not_a_number',
  'Phone number too short after IDD': 'too_short',
  'The string supplied is too short to be a phone number': 'too_short',
  'The string supplied is too long to be a phone number': 'too_long',
};

/** libphonenumber's parse + isValidNumber + getRegionCodeForNumber + format(E164). */
export function oracle(number, country) {
  if (!util.getSupportedRegions().includes(String(country).trim().toUpperCase())) {
    return { error: { field: 'country', code: 'unknown_country' } };
  }
  try {
    const n = util.parse(number, String(country).trim().toUpperCase());
    return {
      ok: {
        e164: util.format(n, lib.PhoneNumberFormat.E164),
        region: util.getRegionCodeForNumber(n) ?? null,
        valid: util.isValidNumber(n),
      },
    };
  } catch (e) {
    return { error: { field: 'number', code: CODES[e.message] ?? `unexpected: ${e.message}` } };
  }
}
