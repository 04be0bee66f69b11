//! Unit tests: the pattern compiler and both run-time matchers against the reference backtracking matcher
//! (over every pattern of the generated metadata), the parser steps, and the public API. Expected numbers
//! come from libphonenumber.

use super::matcher::{full_match, prefix_match};
use super::metadata::{region_by_id, CAPTURE_SOURCES, DFA_SOURCES, REGIONS};
use super::pattern::{self, Ast, DfaSet};
use super::*;

/// A small deterministic PRNG for the sampled inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A random string the pattern matches (a random walk of the AST).
fn sample(ast: &Ast, rng: &mut Rng, out: &mut Vec<u8>) {
    match ast {
        Ast::Class(set) => {
            let digits: Vec<u8> = (0..10).filter(|d| set & (1 << d) != 0).collect();
            out.push(b'0' + digits[rng.below(digits.len() as u64) as usize]);
        }
        Ast::Seq(items) => items.iter().for_each(|i| sample(i, rng, out)),
        Ast::Alt(alts) => sample(&alts[rng.below(alts.len() as u64) as usize], rng, out),
        Ast::Repeat(inner, min, max) => {
            let hi = max.unwrap_or(min + 3).min(min + 3);
            for _ in 0..(*min + rng.below((hi - min + 1) as u64) as u32) {
                sample(inner, rng, out);
            }
        }
        Ast::Group(_, inner) => sample(inner, rng, out),
        Ast::End => {}
    }
}

/// Sampled matches, their mutations (one digit changed, cut, extended) and random strings.
fn inputs(ast: &Ast, rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut v = vec![Vec::new()];
    for _ in 0..12 {
        let mut s = Vec::new();
        sample(ast, rng, &mut s);
        let mut changed = s.clone();
        if !changed.is_empty() {
            let i = rng.below(changed.len() as u64) as usize;
            changed[i] = b'0' + rng.below(10) as u8;
        }
        let mut longer = s.clone();
        longer.push(b'0' + rng.below(10) as u8);
        let cut = s[..s.len() / 2].to_vec();
        v.extend([s, changed, longer, cut]);
    }
    for len in 1..8 {
        v.push((0..len).map(|_| b'0' + rng.below(10) as u8).collect());
    }
    v
}

fn full(ast: &Ast) -> Ast {
    Ast::Seq(vec![Ast::Group(None, Box::new(ast.clone())), Ast::End])
}

#[test]
fn pattern_parser_reads_the_metadata_subset() {
    let (ast, groups) = pattern::parse("0(?:(11|2[2-4])15)?\\d{2,3}[^0]").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(groups, 1);
    assert!(pattern::looking_at(&ast, b"01115123").is_some());
    assert!(pattern::parse("a").is_err());
    assert!(pattern::parse("\\w").is_err());
    assert!(pattern::parse("1*?").is_err());
    assert!(pattern::parse("(?=1)").is_err());
}

#[test]
fn reference_matcher_has_java_semantics() {
    let (ast, _) = pattern::parse("(1|12)(3)?").unwrap_or_else(|e| panic!("{e}"));
    // Leftmost-first alternation: `1` wins over `12`, then the optional group fails to match `2`.
    let (end, caps) = pattern::looking_at(&ast, b"123").unwrap_or_default();
    assert_eq!((end, caps[1], caps[2]), (1, Some((0, 1)), None));
    // Greedy repetition, giving back as needed.
    let (ast, _) = pattern::parse("(\\d{1,4})5").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pattern::looking_at(&ast, b"12355").map(|(e, c)| (e, c[1])), Some((5, Some((0, 4)))));
}

#[test]
fn dfa_compiler_agrees_with_the_reference_matcher() {
    let mut rng = Rng(0x5eed);
    for src in ["[2-9]\\d{9}|3\\d{6}", "(?:1[0-2]|[2-9])\\d{3,5}", "0?(?:1|2\\d)?\\d{2}", "\\d*7", "(?:12)+"]
    {
        let (ast, _) = pattern::parse(src).unwrap_or_else(|e| panic!("{e}"));
        let mut set = DfaSet::new();
        set.add(&ast);
        set.minimise();
        for s in inputs(&ast, &mut rng) {
            let text = String::from_utf8(s.clone()).unwrap_or_default();
            assert_eq!(
                set.full_match(0, &text),
                pattern::looking_at(&full(&ast), &s).is_some(),
                "{src} on {text}"
            );
        }
    }
}

#[test]
fn generated_dfas_agree_with_the_reference_matcher() {
    let mut rng = Rng(0xdfa);
    for (src, start) in DFA_SOURCES.iter() {
        let (ast, _) = pattern::parse(src).unwrap_or_else(|e| panic!("{e}"));
        for s in inputs(&ast, &mut rng) {
            assert_eq!(full_match(*start, &s), pattern::looking_at(&full(&ast), &s).is_some(), "{src} full");
            assert_eq!(prefix_match(*start, &s), pattern::looking_at(&ast, &s).is_some(), "{src} prefix");
        }
    }
}

#[test]
fn generated_capture_patterns_agree_with_the_reference_matcher() {
    let mut rng = Rng(0xcab);
    for (region, (intl, npfp)) in REGIONS.iter().zip(CAPTURE_SOURCES.iter()) {
        for (src, compiled) in [(intl, &region.intl_prefix), (npfp, &region.npfp)] {
            let Some(compiled) = compiled else {
                assert!(src.is_empty());
                continue;
            };
            let (ast, groups) = pattern::parse(src).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(groups, compiled.groups as u32);
            for s in inputs(&ast, &mut rng) {
                let ours = compiled.looking_at(&s).map(|c| {
                    c.iter()
                        .take(groups as usize + 1)
                        .map(|g| g.map(|(a, b)| (a as usize, b as usize)))
                        .collect()
                });
                let reference = pattern::looking_at(&ast, &s).map(|(_, caps)| caps);
                assert_eq!(ours, reference, "{} {src} on {:?}", region.id, String::from_utf8_lossy(&s));
            }
        }
    }
}

fn e164(number: &str, country: &str) -> String {
    match normalize(number, country) {
        Ok(n) => n.e164,
        Err(e) => format!("error:{}", e.code),
    }
}

#[test]
fn national_and_international_formats() {
    assert_eq!(e164("01 23 45 67 89", "FR"), "+33123456789");
    assert_eq!(e164("+33 (0)1 23 45 67 89", "US"), "+33123456789");
    assert_eq!(e164("0033 1 23 45 67 89", "FR"), "+33123456789");
    assert_eq!(e164("011 33 1 23 45 67 89", "US"), "+33123456789");
    assert_eq!(e164("(650) 253-0000", "US"), "+16502530000");
    assert_eq!(e164("020 7946 0958", "GB"), "+442079460958");
}

#[test]
fn country_code_only_applies_its_own_rules() {
    // The phonenumber crate applied the default region's national prefix after an explicit +CC.
    assert_eq!(e164("+20 10 9742 2322", "US"), "+201097422322");
    assert_eq!(e164("+82-10-2994-6824", "BR"), "+821029946824");
    assert_eq!(e164("+81 90 3453 4947", "US"), "+819034534947");
}

#[test]
fn default_country_code_heuristic() {
    // Indian national numbers starting 91 are not read as a country code...
    assert_eq!(e164("91048 73681", "IN"), "+919104873681");
    // ...but a number too long for the plan that starts with it is.
    assert_eq!(e164("33 1 23 45 67 89", "FR"), "+33123456789");
}

#[test]
fn national_prefix_transform_rules() {
    // Argentina: 0 + area code + 15 + subscriber → 9 + area code + subscriber.
    assert_eq!(e164("011 15-2345-6789", "AR"), "+5491123456789");
    // Brazil: carrier selection code dropped.
    assert_eq!(e164("0 21 11 96123-4567", "BR"), "+5511961234567");
}

#[test]
fn idd_followed_by_zero_is_not_an_idd() {
    // From France, 00 then 0 cannot be an international call: read as a national number.
    assert_eq!(e164("000 1234 5678", "FR"), "+330012345678");
}

#[test]
fn other_digit_scripts_and_spaces() {
    assert_eq!(e164("０６ １２ ３４ ５６ ７８", "FR"), "+33612345678");
    assert_eq!(e164("٠٦١٢٣٤٥٦٧٨", "FR"), "+33612345678");
    assert_eq!(e164("06\u{a0}12\u{a0}34\u{a0}56\u{a0}78", "FR"), "+33612345678");
}

#[test]
fn tel_uris_and_extensions() {
    assert_eq!(e164("tel:+33-6-12-34-56-78;ext=12", "US"), "+33612345678");
    assert_eq!(e164("tel:612345678;phone-context=+33", "US"), "+33612345678");
    assert_eq!(e164("06 12 34 56 78 ext. 12", "FR"), "+33612345678");
}

#[test]
fn regions_and_validity() {
    let n = normalize("+44 1481 256789", "FR").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((n.region.as_deref(), n.valid), (Some("GG"), true));
    let n = normalize("+800 1234 5678", "FR").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((n.region.as_deref(), n.valid), (Some("001"), true));
    let n = normalize("+1 555 000 0000", "US").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((n.region, n.valid), (None, false));
    let n = normalize("06 12 34 56 7", "FR").unwrap_or_else(|e| panic!("{e}"));
    assert!(!n.valid);
}

#[test]
fn errors() {
    assert_eq!(e164("hello", "FR"), "error:not_a_number");
    assert_eq!(e164("+999 123 456", "FR"), "error:invalid_country_code");
    assert_eq!(e164("+33 1", "FR"), "error:too_short");
    assert_eq!(e164("+33 1234567890123456789", "FR"), "error:too_long");
    let e = normalize("0123", "XX").err().map(|e| (e.field, e.code));
    assert_eq!(e, Some(("country".into(), "unknown_country".into())));
}

#[test]
fn international_only_and_helpers() {
    assert_eq!(normalize_international("41793026727").map(|n| n.e164), Ok("+41793026727".into()));
    assert_eq!(normalize_international("+41 79 302 67 27").map(|n| n.e164), Ok("+41793026727".into()));
    assert_eq!(
        normalize_international("079 302 67 27").map_err(|e| e.code),
        Err("invalid_country_code".into())
    );
    assert_eq!(country_calling_code("fr"), Ok(33));
    assert_eq!(Country::parse(" gb ").map(|c| c.code()), Ok("GB"));
    assert!(region_by_id(b"ZZ").is_none());
}

#[test]
fn normalize_many_reports_every_entry() {
    let r = normalize_many(&["06 12 34 56 78", "anonymous", "+44 20 7946 0958"], "FR").unwrap_or_default();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].as_ref().map(|n| n.e164.as_str()), Ok("+33612345678"));
    assert_eq!(
        r[1].as_ref().map_err(|e| (e.field.as_str(), e.code.as_str())),
        Err(("numbers[1]", "not_a_number"))
    );
    assert_eq!(r[2].as_ref().map(|n| n.region.as_deref()), Ok(Some("GB")));
    assert_eq!(normalize_many(&["1"], "XX").map_err(|e| e.field), Err("country".to_owned()));
    let json = serde_json::to_value(Normalization::from(r[1].clone())).unwrap_or_default();
    assert_eq!(json["error"]["code"], "not_a_number");
}

#[test]
fn json_face_of_normalize_many() {
    use serde_json::json;
    let got = crate::exports::call("normalizeMany", &[json!(["06 12 34 56 78", "abc"]), json!("FR")]);
    let got = got.unwrap_or_default();
    assert_eq!(got[0]["ok"]["e164"], "+33612345678");
    assert_eq!(got[1]["error"]["field"], "numbers[1]");
    let bad = crate::exports::call("normalizeMany", &[json!("06 12 34 56 78"), json!("FR")]);
    assert_eq!(bad.map_err(|e| e.first().field.clone()), Err("numbers".to_owned()));
}
