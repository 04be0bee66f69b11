//! Inbound screening: one test per rule, per precedence case, per scope rule, and the format-mismatch cases
//! for several countries.

use cidguard::screening::{Action, Rule, Screening};
use cidguard::Engine;
use serde_json::{json, Value};

fn policy() -> Value {
    json!({
        "system": {"check_additional_anonymous_cid_names": true, "check_additional_anonymous_cid_numbers": true,
                   "anonymous_cid_numbers": ["0000000000", "anonymous"],
                   "trusted_peers": [{"address": "192.0.2.0/24", "label": "carrier"}]},
        "accounts": [
            {"id": "acc-fr", "country": "FR", "blocklists": ["spam", "premium"],
             "in_callerid": [{"match": "+33.", "strip": 0}, {"match": "XXXXXXXXX", "add": "0"}],
             "allowlist": {"numbers": ["06 11 22 33 44", "0639981200"], "prefixes": ["+3361122"]},
             "users": [{"id": "u-alice", "blocklist": [{"id": "e1", "number": "+33639981299", "label": "ex"},
                                                       {"id": "e2", "number": "+33639981234"},
                                                       {"id": "e3", "number": "+33 6 39 98 12 35"}]},
                       {"id": "u-bob"}]},
            {"id": "acc-us", "country": "US", "block_anonymous_caller_id": true, "blocklists": ["us-list"]},
            {"id": "acc-gb", "country": "GB", "blocklists": ["anon-only"]},
            {"id": "acc-de", "country": "DE", "block_anonymous_caller_id": false, "blocklists": ["anon-only", "de-list"]},
            {"id": "acc-plain", "country": "FR"}
        ],
        "blocklists": [
            {"id": "spam", "name": "Spam", "numbers": ["0639981234", {"number": "+44 7700 900123", "label": "bad"}, "0639981200"],
             "prefixes": ["+3389"]},
            {"id": "premium", "name": "Premium", "prefixes": ["+33899", {"prefix": "+33 8 9", "label": "dup of spam"}, "+3363998123"]},
            {"id": "us-list", "name": "US", "numbers": ["(415) 555-0100"], "prefixes": ["+1900"]},
            {"id": "anon-only", "name": "Anonymous", "country": "GB", "block_anonymous": true},
            {"id": "de-list", "name": "DE", "numbers": ["030 1234567"]}
        ]
    })
}

fn engine() -> Engine {
    Engine::new(&policy()).unwrap()
}

fn inbound(account: &str, number: &str) -> Value {
    json!({"direction": "inbound", "account": account, "caller_name": "Caller", "caller_number": number})
}

fn screen(e: &Engine, event: &Value) -> Screening {
    e.screen_json(event).unwrap().screening.expect("inbound calls are screened")
}

fn hit(s: &Screening) -> (Rule, Option<u16>, Option<&str>) {
    (s.rule, s.sip_code, s.list.as_ref().map(|l| l.id.as_str()))
}

#[test]
fn account_blocklist_rejects_603_and_names_list_and_entry() {
    let e = engine();
    let s = screen(&e, &inbound("acc-fr", "+33639981234"));
    assert_eq!(s.action, Action::Reject);
    assert_eq!(hit(&s), (Rule::AccountBlocklist, Some(603), Some("spam")));
    let entry = s.entry.unwrap();
    assert_eq!((entry.written.as_str(), entry.e164.as_str()), ("0639981234", "+33639981234"));
    assert_eq!(s.list.unwrap().name.as_deref(), Some("Spam"));
    let s = screen(&e, &inbound("acc-fr", "+447700900123"));
    assert_eq!(s.entry.unwrap().label.as_deref(), Some("bad"));
}

#[test]
fn prefix_rules_reject_with_the_longest_prefix() {
    let e = engine();
    let s = screen(&e, &inbound("acc-fr", "0899123456"));
    assert_eq!(hit(&s), (Rule::Prefix, Some(603), Some("premium")));
    assert_eq!(s.entry.unwrap().e164, "+33899");
    let s = screen(&e, &inbound("acc-fr", "0891123456"));
    assert_eq!(hit(&s), (Rule::Prefix, Some(603), Some("spam")), "equal length: the earlier active list");
    assert_eq!(s.entry.unwrap().written, "+3389");
    let s = screen(&e, &inbound("acc-us", "1-900-555-0199"));
    assert_eq!(hit(&s), (Rule::Prefix, Some(603), Some("us-list")));
}

#[test]
fn user_blocklist_only_for_calls_to_that_user() {
    let e = engine();
    let mut ev = inbound("acc-fr", "+33639981299");
    assert_eq!(screen(&e, &ev).rule, Rule::NoMatch, "not destined to a user");
    ev["destination_user"] = json!("u-bob");
    assert_eq!(screen(&e, &ev).rule, Rule::NoMatch, "another user's list");
    ev["destination_user"] = json!("u-alice");
    let s = screen(&e, &ev);
    assert_eq!(hit(&s), (Rule::UserBlocklist, Some(603), Some("u-alice")));
    assert_eq!(s.prompt, Some("user-unreachable"));
    let entry = s.entry.unwrap();
    assert_eq!((entry.id.as_deref(), entry.label.as_deref()), (Some("e1"), Some("ex")));
    ev["direction"] = json!("internal");
    let d = e.screen_json(&ev).unwrap();
    assert!(d.screening.is_none(), "internal calls are not screened");
    assert_eq!(d.trace.of("screening.scope").next().unwrap().detail, "internal calls are not screened");
}

#[test]
fn outbound_calls_are_never_screened() {
    let d = engine()
        .screen_json(&json!({"direction": "outbound", "account": "acc-fr", "caller_number": "+33639981234", "dialled_number": "0899123456"}))
        .unwrap();
    assert!(d.screening.is_none());
    let d = engine()
        .decide_json(&json!({"direction": "outbound", "account": "acc-fr", "caller_number": "+33639981234", "dialled_number": "+447700900123"}))
        .unwrap();
    assert!(d.screening.is_none());
    assert!(d.trace.of("screening.scope").next().is_some());
}

#[test]
fn allowlist_overrides_every_block() {
    let e = engine();
    // On both the allowlist and blocklist spam.
    let s = screen(&e, &inbound("acc-fr", "+33 6 39 98 12 00"));
    assert_eq!((s.action, s.rule), (Action::Allow, Rule::Allowlist));
    assert_eq!(s.sip_code, None);
    assert_eq!(s.entry.unwrap().written, "0639981200");
    // An allowlisted prefix.
    let s = screen(&e, &inbound("acc-fr", "0611223399"));
    assert_eq!(s.rule, Rule::Allowlist);
    // An allowlisted caller who withholds the number is still let through.
    let mut ev = inbound("acc-us", "+33611223344");
    ev["account"] = json!("acc-fr");
    ev["sip"] = json!({"privacy": "id"});
    assert_eq!(screen(&e, &ev).rule, Rule::Allowlist);
}

#[test]
fn anonymous_rejection_433_from_setting_or_list() {
    let e = engine();
    // Account setting.
    let mut ev = inbound("acc-us", "+14155550199");
    ev["hide_number"] = json!(true);
    let s = screen(&e, &ev);
    assert_eq!(hit(&s), (Rule::Anonymous, Some(433), None));
    assert_eq!(s.setting, Some("account.block_anonymous_caller_id"));
    assert!(s.caller.anonymous_because[0].starts_with("privacy requested (flag hide_number)"));
    // A selected list with block_anonymous (the account does not set the switch).
    let s = screen(&e, &inbound("acc-gb", ""));
    assert_eq!(hit(&s), (Rule::Anonymous, Some(433), Some("anon-only")));
    assert_eq!(s.setting, None);
    // The account says false, but a selected list still blocks (Kazoo: setting OR list).
    let s = screen(&e, &inbound("acc-de", "0000000000"));
    assert_eq!(hit(&s), (Rule::Anonymous, Some(433), Some("anon-only")));
    // No setting, no list: anonymous calls pass.
    let s = screen(&e, &inbound("acc-plain", ""));
    assert_eq!((s.rule, s.caller.anonymous), (Rule::NoMatch, true));
}

#[test]
fn system_setting_applies_when_the_account_is_silent() {
    let p = json!({"system": {"block_anonymous_caller_id": true},
                   "accounts": [{"id": "a", "country": "FR"}, {"id": "b", "country": "FR", "block_anonymous_caller_id": false}]});
    let e = Engine::new(&p).unwrap();
    let s = screen(&e, &inbound("a", "+000"));
    assert_eq!((s.rule, s.setting), (Rule::Anonymous, Some("system.block_anonymous_caller_id")));
    assert_eq!(screen(&e, &inbound("b", "+000")).rule, Rule::NoMatch);
}

#[test]
fn anonymous_detection_sources() {
    let e = engine();
    let anon = |ev: Value| screen(&e, &ev).caller.anonymous;
    assert!(anon(inbound("acc-plain", "")));
    assert!(anon(inbound("acc-plain", "  ")));
    assert!(anon(inbound("acc-plain", "0000000000")));
    assert!(anon(inbound("acc-plain", "+00")));
    assert!(anon(inbound("acc-plain", "ANONYMOUS")), "anonymous_cid_numbers, case-insensitive");
    assert!(!anon(inbound("acc-plain", "restricted")), "not in this policy's anonymous_cid_numbers");
    assert!(anon(
        json!({"direction": "inbound", "account": "acc-plain", "caller_name": "Restricted", "caller_number": "+33639981234"})
    ));
    assert!(anon(
        json!({"direction": "inbound", "account": "acc-plain", "caller_number": "+33639981234", "sip": {"presentation": "unavailable"}})
    ));
    assert!(!anon(inbound("acc-plain", "+33639981234")));
    // With the checks off, the lists are not consulted.
    let p = json!({"accounts": [{"id": "a", "country": "FR"}]});
    let e = Engine::new(&p).unwrap();
    let s = screen(
        &e,
        &json!({"direction": "inbound", "account": "a", "caller_name": "anonymous", "caller_number": "+33639981234"}),
    );
    assert!(!s.caller.anonymous);
}

#[test]
fn precedence_anonymous_beats_blocklist_and_blocklist_beats_prefix_and_prefix_beats_user() {
    let e = engine();
    // Listed on us-list, but anonymous with rejection on: 433 first.
    let mut ev = inbound("acc-us", "4155550100");
    ev["sip"] = json!({"privacy": "id"});
    assert_eq!(screen(&e, &ev).rule, Rule::Anonymous);
    // +33639981234 is exact in spam and under the +3363998123 prefix of premium: the exact hit wins.
    assert_eq!(
        hit(&screen(&e, &inbound("acc-fr", "0639981234"))),
        (Rule::AccountBlocklist, Some(603), Some("spam"))
    );
    // +33639981234 is also on u-alice's list (e2): the account list decides first.
    let mut ev = inbound("acc-fr", "0639981234");
    ev["destination_user"] = json!("u-alice");
    assert_eq!(screen(&e, &ev).rule, Rule::AccountBlocklist);
    // +33639981235 is under premium's prefix and on u-alice's list: the prefix decides first.
    let mut ev = inbound("acc-fr", "0639981235");
    ev["destination_user"] = json!("u-alice");
    assert_eq!(screen(&e, &ev).rule, Rule::Prefix);
}

#[test]
fn format_mismatches_cannot_hide_a_number() {
    let e = engine();
    for n in [
        "0639981234",
        "+33 6 39 98 12 34",
        "0033639981234",
        "33639981234",
        "+33639981234",
        "06-39-98-12-34",
        "639981234",
    ] {
        let s = screen(&e, &inbound("acc-fr", n));
        assert_eq!(s.rule, Rule::AccountBlocklist, "FR {n}");
        assert_eq!(s.caller.e164.as_deref(), Some("+33639981234"), "FR {n}");
    }
    for n in ["4155550100", "(415) 555-0100", "+1 415 555 0100", "14155550100", "01114155550100"] {
        assert_eq!(screen(&e, &inbound("acc-us", n)).rule, Rule::AccountBlocklist, "US {n}");
    }
    for n in ["030 1234567", "+49 30 1234567", "0049301234567", "49301234567"] {
        assert_eq!(screen(&e, &inbound("acc-de", n)).rule, Rule::AccountBlocklist, "DE {n}");
    }
    let p = json!({"accounts": [{"id": "gb", "country": "GB", "blocklists": ["l"]}],
                   "blocklists": [{"id": "l", "name": "l", "numbers": ["07700 900123"]}]});
    let e = Engine::new(&p).unwrap();
    for n in ["07700900123", "+44 7700 900123", "00447700900123", "447700900123"] {
        assert_eq!(screen(&e, &inbound("gb", n)).rule, Rule::AccountBlocklist, "GB {n}");
    }
}

#[test]
fn in_callerid_rewrites_before_normalising() {
    let e = engine();
    // A carrier that drops the trunk 0: the rule adds it back, then FR reads it.
    let d = e.screen_json(&inbound("acc-fr", "639981234")).unwrap();
    let s = d.screening.unwrap();
    assert_eq!(s.caller.rewritten.as_deref(), Some("0639981234"));
    assert_eq!(s.rule, Rule::AccountBlocklist);
    let line = d.trace.of("screening.in_callerid").next().unwrap();
    assert_eq!(line.detail, "rule 1 (XXXXXXXXX) rewrote caller_number 639981234 -> 0639981234");
    // +33… matches the first rule, which changes nothing, so the second rule never sees it.
    let s = screen(&e, &inbound("acc-fr", "+33639981234"));
    assert_eq!(s.caller.rewritten.as_deref(), Some("+33639981234"));
}

#[test]
fn p_asserted_identity_is_screened_when_the_caller_number_is_not_a_number() {
    let e = engine();
    let ev = json!({"direction": "inbound", "account": "acc-fr", "caller_number": "unknown",
                    "source": {"address": "192.0.2.10"},
                    "sip": {"p_asserted_identity": "<sip:+33639981234@carrier.example;user=phone>"}});
    let s = screen(&e, &ev);
    assert_eq!((s.rule, s.caller.source), (Rule::AccountBlocklist, Some("p_asserted_identity")));
    // The same header from an untrusted source (or none) names nobody: ignored, and the trace says so.
    for source in [json!({"address": "203.0.113.10"}), Value::Null] {
        let mut untrusted = ev.clone();
        untrusted["source"] = source;
        let d = e.screen_json(&untrusted).unwrap();
        let s = d.screening.unwrap();
        assert_eq!((s.rule, s.caller.source), (Rule::NoMatch, None));
        let ignored = d.trace.of("trust.identity").next().unwrap();
        assert!(ignored.detail.starts_with("P-Asserted-Identity +33639981234 ignored"), "{}", ignored.detail);
    }
    // A number that cannot be read is not matched (fail open), and the trace says why.
    let d = e.screen_json(&inbound("acc-fr", "hello")).unwrap();
    assert_eq!(d.screening.unwrap().rule, Rule::NoMatch);
    assert_eq!(d.trace.of("screening.blocklist").next().unwrap().detail, "no phone number to look up");
}

#[test]
fn the_trace_joins_privacy_and_screening() {
    let d = engine()
        .decide_json(&json!({"direction": "inbound", "account": "acc-fr", "caller_name": "Spam Co", "caller_number": "+33639981234",
                             "destination_user": "u-alice", "sip": {"privacy": "id"}}))
        .unwrap();
    let rules: Vec<_> = d.trace.0.iter().map(|s| s.rule).collect();
    assert_eq!(
        rules,
        [
            "privacy.sip_privacy",
            "screening.in_callerid",
            "screening.normalize",
            "screening.anonymous",
            "screening.allowlist",
            "screening.anonymous_rejection",
            "screening.blocklist",
            "screening.verdict",
            "privacy.mode",
            "privacy.name",
            "privacy.number",
            "privacy.sip"
        ]
    );
    assert_eq!(d.trace.of("screening.verdict").next().unwrap().detail, "reject 603 (account_blocklist)");
    assert!(d.presentation.anonymised.number);
}

fn problems(p: Value) -> Vec<(String, String)> {
    match Engine::new(&p) {
        Ok(_) => vec![],
        Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

#[test]
fn policy_problems_for_lists() {
    let p = json!({
        "accounts": [
            {"id": "fr", "country": "FR", "blocklists": ["l1", "nope", "l1"],
             "in_callerid": [{"match": "0[12", "strip": 1}, {"match": "X.", "strip": 99}, {"strip": 1}],
             "allowlist": {"numbers": ["+33639981234", "06 39 98 12 34"], "prefixes": ["0639"]},
             "users": [{"id": "u", "blocklist": [{"id": "a", "number": "+33639981234"}, {"id": "a", "number": "+33639981235"},
                                                {"id": "c", "number": "+33 6 39 98 12 34"}, {"id": "d", "number": "+33 not a number"},
                                                {"id": "f", "number": "06.39.98.12.36"},
                                                {"id": "e", "number": "0000000000"}]}]},
            {"id": "us", "country": "US", "blocklists": ["shared"]},
            {"id": "fr2", "country": "FR", "blocklists": ["shared"]}
        ],
        "blocklists": [
            {"id": "l1", "name": "", "numbers": ["0639981234", "+33639981234", 42], "block_anonymous": "yes"},
            {"id": "shared", "name": "Shared", "numbers": ["+33639981234"]},
            {"id": "floating", "name": "Not selected", "numbers": ["0639981234", "+14155550100"], "prefixes": ["+1 900", "+0"]}
        ]
    });
    let got = problems(p);
    let want = [
        ("accounts[0].blocklists[2]", "duplicate_value"),
        ("accounts[0].in_callerid[0].match", "invalid_pattern"),
        ("accounts[0].in_callerid[1].strip", "out_of_range"),
        ("accounts[0].in_callerid[2].match", "missing"),
        ("accounts[0].allowlist.numbers[1]", "duplicate_number"),
        ("accounts[0].allowlist.prefixes[0]", "invalid_prefix"),
        ("accounts[0].users[0].blocklist[3].number", "not_a_number"),
        ("accounts[0].users[0].blocklist[4].number", "not_international"),
        ("accounts[0].users[0].blocklist[5].number", "anonymous_entry"),
        ("accounts[0].users[0].blocklist[2]", "duplicate_number"),
        ("accounts[0].users[0].blocklist[1].id", "duplicate_id"),
        ("blocklists[0].name", "invalid_length"),
        ("blocklists[0].block_anonymous", "invalid_type"),
        ("blocklists[0].numbers[2]", "invalid_type"),
        ("blocklists[0].numbers[1]", "duplicate_number"),
        ("blocklists[1].country", "missing"),
        ("blocklists[2].numbers[0]", "needs_country"),
        ("blocklists[2].prefixes[1]", "invalid_prefix"),
        ("accounts[0].blocklists[1]", "unknown_reference"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    assert_eq!(got, want);
}

#[test]
fn bad_screening_events_name_their_field() {
    let e = engine();
    let mut ev = inbound("acc-fr", "+33639981234");
    ev["destination_user"] = json!("u-nobody");
    let err = e.screen_json(&ev).unwrap_err();
    assert_eq!((err.0[0].field.as_str(), err.0[0].code.as_str()), ("destination_user", "unknown_user"));
}

#[test]
fn index_sizes_are_compact() {
    let e = engine();
    // spam 3 numbers + 1 prefix, premium 3 prefixes, us-list 1 + 1, de-list 1, allowlist 2 + 1, alice 3.
    // 12 bytes per entry, plus one 8-byte sample key per table of up to 64 entries (9 non-empty tables).
    assert_eq!(e.index().table_bytes(), 16 * 12 + 9 * 8);
}
