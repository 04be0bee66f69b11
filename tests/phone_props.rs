//! Property tests of phone normalisation: any input gives a result or a typed error (never a panic), every
//! E.164 produced is well formed, and normalising an E.164 result again gives it back.
#![cfg(not(target_arch = "wasm32"))]

use cidguard::phone::{normalize, normalize_international};
use proptest::prelude::*;

/// Inputs that look like what reaches the normaliser: digits, separators, plus signs, letters, other scripts.
fn phone_like() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "+",
        " ",
        "-",
        "(",
        ")",
        ".",
        "/",
        "x",
        "ext",
        "#",
        "*",
        ";",
        ",",
        "tel:",
        ";phone-context=",
        ";ext=",
        "00",
        "011",
        "(0)",
        "\u{a0}",
        "\u{ff11}",
        "\u{0663}",
        "a",
        "Z",
        "é",
        "доб",
        "\u{96a}",
    ]);
    prop::collection::vec(atoms, 0..30).prop_map(|v| v.concat())
}

fn well_formed(e164: &str) -> bool {
    let digits = e164.strip_prefix('+').unwrap_or("");
    e164.starts_with('+')
        && digits.len() >= 3
        && digits.len() <= 20
        && digits.bytes().all(|b| b.is_ascii_digit())
}

proptest! {
    #[test]
    fn never_panics_and_errors_are_typed(s in phone_like(), c in prop::sample::select(vec!["FR", "US", "GB", "IN", "BR", "DE", "AR", "RU", "XX"])) {
        match normalize(&s, c) {
            Ok(n) => prop_assert!(well_formed(&n.e164), "{s:?} → {}", n.e164),
            Err(e) => {
                prop_assert!(e.field == "number" || e.field == "country");
                prop_assert!(["not_a_number", "invalid_country_code", "too_short", "too_long", "unknown_country"].contains(&e.code.as_str()));
            }
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in "\\PC{0,80}") {
        let _ = normalize(&s, "FR");
        let _ = normalize_international(&s);
    }

    #[test]
    fn valid_results_are_fixed_points(s in phone_like(), c in prop::sample::select(vec!["FR", "US", "GB", "IN", "BR", "DE"])) {
        if let Ok(n) = normalize(&s, c) {
            if n.valid {
                let again = normalize(&n.e164, "US");
                prop_assert_eq!(again.as_ref().map(|m| &m.e164), Ok(&n.e164));
                prop_assert_eq!(again.map(|m| (m.region, m.valid)), Ok((n.region, true)));
            }
        }
    }
}
