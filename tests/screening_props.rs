//! Properties of screening: no input makes it panic, and a number stored in any accepted format matches
//! every other format of the same number from that account's country.

use cidguard::exports;
use cidguard::screening::Rule;
use cidguard::Engine;
use proptest::prelude::*;
use serde_json::json;

/// One country's ways of writing a number: its calling code, trunk prefix, international call prefix and
/// a pattern of national significant numbers in real ranges.
struct Country {
    iso: &'static str,
    cc: &'static str,
    trunk: &'static str,
    idd: &'static str,
    nsn: &'static str,
}

const COUNTRIES: &[Country] = &[
    Country { iso: "FR", cc: "33", trunk: "0", idd: "00", nsn: "[67][0-9]{8}" },
    Country { iso: "US", cc: "1", trunk: "1", idd: "011", nsn: "[2-9][0-8][0-9][2-9][0-9]{6}" },
    Country { iso: "GB", cc: "44", trunk: "0", idd: "00", nsn: "7[4-9][0-9]{8}" },
    Country { iso: "DE", cc: "49", trunk: "0", idd: "00", nsn: "30[1-9][0-9]{6}" },
    Country { iso: "IN", cc: "91", trunk: "0", idd: "00", nsn: "[6-9][0-9]{9}" },
    Country { iso: "AU", cc: "61", trunk: "0", idd: "0011", nsn: "4[0-9]{8}" },
];

/// The formats of `nsn` in `c`: national, +E.164 (plain and spaced), IDD, and country code without `+`.
fn formats(c: &Country, nsn: &str) -> Vec<String> {
    let (a, b) = nsn.split_at(3);
    vec![
        format!("{}{nsn}", c.trunk),
        format!("+{}{nsn}", c.cc),
        format!("+{} {a} {b}", c.cc),
        format!("{}{}{nsn}", c.idd, c.cc),
        format!("{}{nsn}", c.cc),
    ]
}

fn country_and_number() -> impl Strategy<Value = (usize, String)> {
    (0..COUNTRIES.len()).prop_flat_map(|i| {
        let pattern = COUNTRIES.get(i).map(|c| c.nsn).unwrap_or("[0-9]{9}");
        (Just(i), proptest::string::string_regex(pattern).unwrap_or_else(|_| unreachable!("static pattern")))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn any_stored_format_matches_every_incoming_format(
        (ci, nsn) in country_and_number(), stored in 0usize..5, user_list: bool,
    ) {
        let c = &COUNTRIES[ci];
        let all = formats(c, &nsn);
        // User blocklists hold +E.164 only (wazo-confd); a national entry is refused.
        let plus = format!("+{}{}", c.cc, nsn);
        let entry = if user_list { &plus } else { &all[stored] };
        if user_list && !all[stored].starts_with('+') {
            let national = json!({"accounts": [{"id": "a", "country": c.iso,
                "users": [{"id": "u", "blocklist": [{"id": "e", "number": &all[stored]}]}]}]});
            let err = Engine::new(&national).err().map(|p| p.0[0].code.clone());
            prop_assert_eq!(err.as_deref(), Some("not_international"), "{}", &all[stored]);
        }
        let policy = if user_list {
            json!({"accounts": [{"id": "a", "country": c.iso,
                "users": [{"id": "u", "blocklist": [{"id": "e", "number": entry}]}]}]})
        } else {
            json!({"accounts": [{"id": "a", "country": c.iso, "blocklists": ["l"]}],
                   "blocklists": [{"id": "l", "name": "l", "numbers": [entry]}]})
        };
        let engine = Engine::new(&policy).map_err(|e| TestCaseError::fail(format!("{entry}: {e}")))?;
        for incoming in &all {
            let event = json!({"direction": "inbound", "account": "a", "caller_number": incoming, "destination_user": if user_list { Some("u") } else { None }});
            let s = engine.screen_json(&event).unwrap().screening.unwrap();
            let want = if user_list { Rule::UserBlocklist } else { Rule::AccountBlocklist };
            prop_assert_eq!(s.rule, want, "{} stored as {:?}, called as {:?}", c.iso, entry, incoming);
            prop_assert_eq!(s.caller.e164, Some(format!("+{}{}", c.cc, nsn)));
        }
    }

    #[test]
    fn normalize_entry_agrees_with_screening((ci, nsn) in country_and_number(), f in 0usize..5) {
        let c = &COUNTRIES[ci];
        let written = &formats(c, &nsn)[f];
        let got = exports::call("normalizeEntry", &[json!(written), json!(c.iso)]).unwrap();
        prop_assert_eq!(&got["e164"], &json!(format!("+{}{}", c.cc, nsn)));
    }

    #[test]
    fn no_screening_input_panics(
        number in "[ -~]{0,24}", name in ".{0,16}", pai in prop::option::of("[ -~]{0,40}"),
        entries in prop::collection::vec("[ -~]{0,20}", 0..6), prefixes in prop::collection::vec("[+0-9 ]{0,8}", 0..4),
        pattern in "[_XZN0-9.!\\[\\]+*#-]{0,10}", strip in 0u64..40, add in "[0-9+]{0,4}",
        country in prop::sample::select(vec!["FR", "US", "GB", "XX", "", "fr"]),
    ) {
        let policy = json!({
            "system": {"block_anonymous_caller_id": true, "check_additional_anonymous_cid_names": true},
            "accounts": [{"id": "a", "country": country, "blocklists": ["l"], "in_callerid": [{"match": pattern, "strip": strip, "add": add}],
                          "allowlist": {"prefixes": prefixes.clone()}, "users": [{"id": "u", "blocklist": [{"id": "e", "number": number.clone()}]}]}],
            "blocklists": [{"id": "l", "name": "l", "numbers": entries, "prefixes": prefixes}]
        });
        let event = json!({"direction": "inbound", "account": "a", "caller_name": name, "caller_number": number,
                           "destination_user": "u", "sip": {"p_asserted_identity": pai}});
        let _ = exports::call("screenCall", &[policy.clone(), event.clone()]);
        let _ = exports::call("decide", &[policy, event]);
        let _ = exports::call("normalizeEntry", &[json!(number), json!(country)]);
    }
}
