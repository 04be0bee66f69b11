//! Shared by the Node and Chromium wasm-bindgen tests. The vector files are embedded at compile time; the list
//! below is checked against the directory by the native test `every_vector_file_is_embedded_for_wasm`.

use cidguard::exports;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

pub const VECTOR_FILES: &[(&str, &str)] = &[
    ("normalize.json", include_str!("../vectors/normalize.json")),
    ("normalize_many.json", include_str!("../vectors/normalize_many.json")),
    // Policy (caller-ID privacy and screening)
    ("policy.json", include_str!("../vectors/policy.json")),
    ("privacy.json", include_str!("../vectors/privacy.json")),
    ("screening.json", include_str!("../vectors/screening.json")),
    ("entries.json", include_str!("../vectors/entries.json")),
    ("decide.json", include_str!("../vectors/decide.json")),
    ("engine.json", include_str!("../vectors/engine.json")),
    ("lookup.json", include_str!("../vectors/lookup.json")),
    ("rows.json", include_str!("../vectors/rows.json")),
    ("split.json", include_str!("../vectors/split.json")),
    ("import.json", include_str!("../vectors/import.json")),
    ("prefix.json", include_str!("../vectors/prefix.json")),
    ("stir.json", include_str!("../vectors/stir.json")),
    ("stir_x5u.json", include_str!("../vectors/stir_x5u.json")),
    // SIP (the INVITE answer, the identity trust boundary)
    ("sip_invite.json", include_str!("../vectors/sip_invite.json")),
    ("sip_invite_flat.json", include_str!("../vectors/sip_invite_flat.json")),
    ("sip_policy.json", include_str!("../vectors/sip_policy.json")),
    ("sip_trust.json", include_str!("../vectors/sip_trust.json")),
    // What-if replay
    ("replay.json", include_str!("../vectors/replay.json")),
    // Masking
    ("masking_allocate.json", include_str!("../vectors/masking_allocate.json")),
    ("masking_config.json", include_str!("../vectors/masking_config.json")),
    ("masking_credentials.json", include_str!("../vectors/masking_credentials.json")),
    ("masking_display.json", include_str!("../vectors/masking_display.json")),
    ("masking_lifecycle_callback.json", include_str!("../vectors/masking_lifecycle_callback.json")),
    ("masking_lifecycle_close.json", include_str!("../vectors/masking_lifecycle_close.json")),
    ("masking_lifecycle_create.json", include_str!("../vectors/masking_lifecycle_create.json")),
    ("masking_lifecycle_records.json", include_str!("../vectors/masking_lifecycle_records.json")),
    ("masking_lifecycle_status.json", include_str!("../vectors/masking_lifecycle_status.json")),
    ("masking_lifecycle_views.json", include_str!("../vectors/masking_lifecycle_views.json")),
    ("masking_parse_callback.json", include_str!("../vectors/masking_parse_callback.json")),
    ("masking_parse_status.json", include_str!("../vectors/masking_parse_status.json")),
    ("masking_pool.json", include_str!("../vectors/masking_pool.json")),
    ("masking_pool_size.json", include_str!("../vectors/masking_pool_size.json")),
    ("masking_pool_states.json", include_str!("../vectors/masking_pool_states.json")),
    ("masking_response.json", include_str!("../vectors/masking_response.json")),
    ("masking_route.json", include_str!("../vectors/masking_route.json")),
    ("masking_sign.json", include_str!("../vectors/masking_sign.json")),
    ("masking_state_allocate.json", include_str!("../vectors/masking_state_allocate.json")),
    ("masking_state_handle.json", include_str!("../vectors/masking_state_handle.json")),
    ("masking_state_route.json", include_str!("../vectors/masking_state_route.json")),
    ("masking_verify.json", include_str!("../vectors/masking_verify.json")),
];

pub fn run_all_vectors() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (file, text) in VECTOR_FILES {
        let doc: Value = serde_json::from_str(text).unwrap();
        let function = doc["function"].as_str().unwrap();
        for case in doc["cases"].as_array().unwrap() {
            ran += 1;
            let args = case["args"].as_array().unwrap();
            let got = exports::call(function, args);
            let expect = &case["expect"];
            let pass = match (&got, expect.get("ok"), expect.get("error")) {
                (Ok(v), Some(ok), _) => v == ok,
                (Err(e), None, Some(err)) => {
                    let e = e.first();
                    err.get("field").is_none_or(|f| f == e.field.as_str())
                        && err.get("code").is_none_or(|c| c == e.code.as_str())
                }
                _ => false,
            };
            if !pass {
                failures.push(format!("{file}: {}: expected {expect}, got {got:?}", case["name"]));
            }
        }
    }
    assert!(ran > 0);
    assert!(failures.is_empty(), "{} of {ran} failed:\n{}", failures.len(), failures.join("\n"));
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}

pub fn check_exports() {
    let ok = cidguard::wasm::normalize("+44 20 7946 0018".into(), "FR".into()).unwrap();
    assert_eq!(get(&ok, "e164").as_string().as_deref(), Some("+442079460018"));
    assert_eq!(get(&ok, "region").as_string().as_deref(), Some("GB"));
    assert_eq!(get(&ok, "valid").as_bool(), Some(true));

    // A value of the wrong JS type is a typed error, never a trap or a coercion.
    let err: JsValue =
        cidguard::wasm::normalize(JsValue::from(33_639_981_234_f64), "FR".into()).unwrap_err().into();
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("number"));
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid_type"));

    let err = cidguard::wasm::normalize("abc".into(), "FR".into()).unwrap_err();
    let err: JsValue = err.into();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("number"));
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("not_a_number"));
    assert!(get(&err, "message").as_string().unwrap().starts_with("number: "));
}
