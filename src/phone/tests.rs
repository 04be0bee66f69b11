//! Unit tests of the parser steps and the public API (expected values from libphonenumber).

use super::*;

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
    assert_eq!(e164("+20 10 9742 2322", "US"), "+201097422322");
    assert_eq!(e164("020 7946 0958", "GB"), "+442079460958");
}

#[test]
fn errors() {
    assert_eq!(e164("hello", "FR"), "error:not_a_number");
    assert_eq!(e164("+999 123 456", "FR"), "error:invalid_country_code");
    assert_eq!(
        normalize("0123", "XX").map_err(|e| (e.field, e.code)),
        Err(("country".into(), "unknown_country".into()))
    );
}
