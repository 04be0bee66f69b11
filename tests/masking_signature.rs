//! Infobip webhook signatures: seed 004's worked examples and every way a header can be wrong.

use cidguard::masking::signature::{sign, status_signing_body, verify, Credentials, WebhookKind};

const API_ID: &str = "55ddccad2df62a4b615b7e3c472b2ab6";
const KEY: &str = "5da086b6a8e4424993646b8699c333ca";
const CALLBACK_URL: &str = "https://my.company.server/nmcallback";
const STATUS_URL: &str = "https://my.company.server/nmstatus";
const CALLBACK_BODY: &str = r#"{"from":"40257076838","to":"40257879513","nmCorrelationId":"7cb72e4b-cf9f-40b6-9fc4-79588d18a666","correlationId":"0f754338-1aff-4e09-a933-7d205ca7aed4"}"#;
/// The header value seed 004 gives for the callback example.
const SEED_HEADER: &str =
    "55ddccad2df62a4b615b7e3c472b2ab6:66c5985cf14f92e29c5647d4d9c4f12107a17507fe4ecfb3f5d4d2065e3dfab3";
const STATUS_ORIGINAL: &str = include_str!("fixtures/masking/status_original.json");
const STATUS_SIGNED: &str = include_str!("fixtures/masking/status_signed.json");

fn creds() -> Credentials {
    Credentials::new(API_ID, KEY).unwrap()
}

fn code(r: Result<impl std::fmt::Debug, cidguard::Error>) -> String {
    let e = r.unwrap_err();
    assert_eq!(e.field, "authorization", "{e:?}");
    e.code
}

#[test]
fn seed_callback_header_reproduces_and_verifies() {
    let s = sign(&creds(), CALLBACK_URL, CALLBACK_BODY, WebhookKind::Callback).unwrap();
    assert_eq!(s.authorization, SEED_HEADER);
    assert_eq!(s.signed_body, CALLBACK_BODY);
    let v = verify(&creds(), CALLBACK_URL, CALLBACK_BODY, WebhookKind::Callback, SEED_HEADER).unwrap();
    assert!(v.valid);
    assert_eq!(v.api_id, API_ID);
    // Digest case is not specified by Infobip: upper-case hex is accepted too.
    let upper = format!("{API_ID}:{}", SEED_HEADER.split_once(':').unwrap().1.to_ascii_uppercase());
    assert!(verify(&creds(), CALLBACK_URL, CALLBACK_BODY, WebhookKind::Callback, &upper).is_ok());
    // Surrounding whitespace in the header value is tolerated.
    assert!(verify(
        &creds(),
        CALLBACK_URL,
        CALLBACK_BODY,
        WebhookKind::Callback,
        &format!(" {SEED_HEADER} ")
    )
    .is_ok());
}

#[test]
fn tampered_body_wrong_key_wrong_url_are_bad_signatures() {
    let tampered = CALLBACK_BODY.replace("40257879513", "40257879514");
    assert_eq!(
        code(verify(&creds(), CALLBACK_URL, &tampered, WebhookKind::Callback, SEED_HEADER)),
        "bad_signature"
    );
    // One byte of whitespace is a different body: verification is on the raw text.
    let spaced = CALLBACK_BODY.replacen(':', ": ", 1);
    assert_eq!(
        code(verify(&creds(), CALLBACK_URL, &spaced, WebhookKind::Callback, SEED_HEADER)),
        "bad_signature"
    );
    let wrong_key = Credentials::new(API_ID, "5da086b6a8e4424993646b8699c333cb").unwrap();
    assert_eq!(
        code(verify(&wrong_key, CALLBACK_URL, CALLBACK_BODY, WebhookKind::Callback, SEED_HEADER)),
        "bad_signature"
    );
    let wrong_url = "https://my.company.server/nmcallback/";
    assert_eq!(
        code(verify(&creds(), wrong_url, CALLBACK_BODY, WebhookKind::Callback, SEED_HEADER)),
        "bad_signature"
    );
    // The callback body checked as a status body hashes the same text (no unsigned members): still valid,
    // but a status URL is a different URL.
    assert_eq!(
        code(verify(&creds(), STATUS_URL, CALLBACK_BODY, WebhookKind::Status, SEED_HEADER)),
        "bad_signature"
    );
}

#[test]
fn wrong_api_id_is_rejected_even_with_the_right_digest() {
    let other = Credentials::new("someoneelse", KEY).unwrap();
    assert_eq!(
        code(verify(&other, CALLBACK_URL, CALLBACK_BODY, WebhookKind::Callback, SEED_HEADER)),
        "wrong_api_id"
    );
}

#[test]
fn malformed_headers_say_so() {
    let digest = SEED_HEADER.split_once(':').unwrap().1;
    for (header, want) in [
        ("", "missing"),
        ("   ", "missing"),
        (digest, "malformed"), // no colon, no apiId
        (&format!("{API_ID}:{}", &digest[..63]) as &str, "malformed"), // 63 hex digits
        (&format!("{API_ID}:{digest}0"), "malformed"), // 65
        (&format!("{API_ID}:{}", digest.replace('a', "g")), "malformed"), // not hex
        (&format!("{API_ID}:"), "malformed"), // empty digest
        (&format!("{API_ID}:{}", "é".repeat(32)), "malformed"), // 64 bytes, not hex
    ] {
        assert_eq!(
            code(verify(&creds(), CALLBACK_URL, CALLBACK_BODY, WebhookKind::Callback, header)),
            want,
            "{header:?}"
        );
    }
}

#[test]
fn credentials_are_checked() {
    assert_eq!(Credentials::new("", KEY).unwrap_err().field, "apiId");
    assert_eq!(Credentials::new(API_ID, "").unwrap_err().field, "key");
    assert_eq!(Credentials::new("a:b", KEY).unwrap_err().code, "invalid");
}

#[test]
fn seed_status_body_loses_exactly_the_three_members() {
    let ours = status_signing_body(STATUS_ORIGINAL).unwrap();
    // Seed 004's "body used for computing" equals ours but for one space: it shows `"inboundDuration":15`
    // where the received body (and ours) has `"inboundDuration": 15`. Nothing else in the text changes, and
    // no rule that removes members can remove that space, so it is an editing slip in the seed.
    assert_eq!(ours.replace("\"inboundDuration\": 15,", "\"inboundDuration\":15,"), STATUS_SIGNED);
    assert!(
        !ours.contains("calculatedDuration") && !ours.contains("pricePerSecond") && !ours.contains("EUR")
    );
    // The repeated key is kept, twice, in place.
    assert_eq!(ours.matches("\"inboundDuration\"").count(), 2);
    // sha256(url + body + key) computed independently (sha256sum) over that text.
    let s = sign(&creds(), STATUS_URL, STATUS_ORIGINAL, WebhookKind::Status).unwrap();
    assert_eq!(s.signed_body, ours);
    assert_eq!(
        s.authorization,
        format!("{API_ID}:640819243bf8abe30581d32699b62cb06724aa4543d3193c794dc2d8cb9b8e35")
    );
    assert!(verify(&creds(), STATUS_URL, STATUS_ORIGINAL, WebhookKind::Status, &s.authorization).is_ok());
    // The same header does not verify the body hashed whole (callback rules).
    assert_eq!(
        code(verify(&creds(), STATUS_URL, STATUS_ORIGINAL, WebhookKind::Callback, &s.authorization)),
        "bad_signature"
    );
}

#[test]
fn compact_status_body_vector() {
    let body = r#"{"action":"dial","from":"41793026727","to":"41793026731","transferTo":"41793026785","duration":"15","status":"answered","fileId":null,"fileUrl":null,"nmCorrelationId":"6ag710o6ihb23q06epc23n46ihd0nilcibb0nq9ccbq6mmsdgbp4nghefjs67vgo7200","inboundDuration":15,"calculatedDuration":15,"pricePerSecond":0.0,"currency":"EUR","ringingTime":"2018-01-01 12:00:00","answeredTime":"2018-01-01 12:00:10","correlationId":"0f754338-1aff-4e09-a933-7d205ca7aed4","inboundDuration":"30"}"#;
    let header = format!("{API_ID}:6707c2bc26553946292c9fc393d7f024d0a61abc4d3b8d894aace236d9b41754");
    assert!(verify(&creds(), STATUS_URL, body, WebhookKind::Status, &header).is_ok());
    let mut tampered = body.replace("\"pricePerSecond\":0.0", "\"pricePerSecond\":9.9");
    // The unsigned members may change without breaking the signature (that is what leaving them out means)…
    assert!(verify(&creds(), STATUS_URL, &tampered, WebhookKind::Status, &header).is_ok());
    // …but any signed member may not.
    tampered = body.replace("answered", "busy");
    assert_eq!(code(verify(&creds(), STATUS_URL, &tampered, WebhookKind::Status, &header)), "bad_signature");
}

#[test]
fn member_removal_keeps_everything_else() {
    for (input, want) in [
        (r#"{"a":1,"currency":"EUR","b":2}"#, r#"{"a":1,"b":2}"#),
        (r#"{"currency":"EUR","a":1}"#, r#"{"a":1}"#),
        (r#"{"a":1,"currency":"EUR"}"#, r#"{"a":1}"#),
        (r#"{"currency":"EUR"}"#, r#"{}"#),
        (
            r#"{ "currency" : "EUR" , "pricePerSecond":1 , "a" : [1,{"currency":2}] }"#,
            r#"{ "a" : [1,{"currency":2}] }"#,
        ),
        (
            r#"{"a":{"currency":"x"},"b":"currency","c":"\"currency\""}"#,
            r#"{"a":{"currency":"x"},"b":"currency","c":"\"currency\""}"#,
        ),
        (r#"{"currency":1,"currency":2,"a":1,"currency":3}"#, r#"{"a":1}"#),
        (r#"{"\u0063urrency":"EUR","a":1}"#, r#"{"a":1}"#),
        ("{}", "{}"),
        (" {\r\n\t\"a\": 1,\r\n\t\"calculatedDuration\": 3\r\n} ", " {\r\n\t\"a\": 1\r\n} "),
        (r#"{"a":"x\\","currency":"EUR"}"#, r#"{"a":"x\\"}"#),
    ] {
        assert_eq!(status_signing_body(input).unwrap(), want, "{input}");
    }
    assert_eq!(status_signing_body("[1]").unwrap_err().code, "invalid_type");
    assert_eq!(status_signing_body("{\"a\":").unwrap_err().code, "invalid_json");
}
