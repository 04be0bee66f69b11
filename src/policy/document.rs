//! The policy document shared by caller-ID privacy and screening: system-wide settings, accounts (tenants)
//! with their users, resources (carriers) with their gateways, and named blocklists. It is read only through
//! [`validate_policy`], which reports every problem with its JSON path and never replaces an invalid value by
//! a default; absent optional values take the documented defaults (docs/privacy.md, docs/screening.md).
//! List entries are normalised to E.164 here, once, so matching never meets two formats of one number.

use crate::error::{Error, Problems};
use crate::policy::reader::{named_enum, object, type_error, Obj};
use crate::policy::trust::{read_trusted_peers, TrustedPeer};
use crate::screening::lists::{
    check_duplicates, read_number, read_prefix, read_user_entry, ListKind, NumberEntry, PrefixEntry,
    UserEntry,
};
use crate::screening::rewrite::{CallerIdRule, MAX_STRIP};
use crate::screening::stir::{StirRules, StirSystem};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

named_enum! {
    /// Which parts of the caller ID are anonymised when privacy is requested (Kazoo `privacy_mode`).
    pub enum PrivacyMode {
        /// Anonymise the name and the number.
        Kazoo = "kazoo",
        /// Anonymise the name only.
        HideName = "hide_name",
        /// Anonymise the number only.
        HideNumber = "hide_number",
        /// Anonymise nothing: pass the caller ID as is and signal privacy (only for trusted carriers).
        Sip = "sip",
    }
}

named_enum! {
    /// One part of a caller ID.
    pub enum Part {
        Name = "name",
        Number = "number",
    }
}

impl PrivacyMode {
    /// Whether this mode anonymises `part` when privacy is requested for it.
    pub fn covers(self, part: Part) -> bool {
        match self {
            PrivacyMode::Kazoo => true,
            PrivacyMode::HideName => part == Part::Name,
            PrivacyMode::HideNumber => part == Part::Number,
            PrivacyMode::Sip => false,
        }
    }
}

/// The validated policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub system: System,
    pub accounts: Vec<Account>,
    pub resources: Vec<Resource>,
    pub blocklists: Vec<Blocklist>,
    /// The number-masking section (`docs/masking.md`), validated by the masking module and kept as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masking: Option<Value>,
}

/// System-wide settings (Kazoo `system_config/privacy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct System {
    /// The system-wide mode; `None` means the built-in default `kazoo`.
    pub privacy_mode: Option<PrivacyMode>,
    pub anonymous_name: String,
    pub anonymous_number: String,
    /// Dialled prefixes that request full privacy for one call and are stripped before routing.
    pub privacy_feature_codes: Vec<String>,
    /// Emergency numbers by ISO country (and `default` for other countries): built-in defaults, with each
    /// country given in the document replacing that country's defaults.
    pub emergency_numbers: BTreeMap<String, Vec<String>>,
    /// Reject anonymous inbound calls (433) for accounts that do not say otherwise.
    pub block_anonymous_caller_id: bool,
    /// Also treat a caller name in `anonymous_cid_names` (case-insensitive, exact) as anonymous.
    pub check_additional_anonymous_cid_names: bool,
    pub anonymous_cid_names: Vec<String>,
    /// Also treat a caller number in `anonymous_cid_numbers` (case-insensitive, exact) as anonymous.
    pub check_additional_anonymous_cid_numbers: bool,
    pub anonymous_cid_numbers: Vec<String>,
    /// STIR/SHAKEN trust anchors and freshness window.
    pub stir_shaken: StirSystem,
    /// The SIP peers whose identity headers (PAI, PPI, RPID) are believed (`policy::trust`); empty: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trusted_peers: Vec<TrustedPeer>,
}

/// An account (tenant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: String,
    /// ISO 3166 alpha-2, upper case: reads national numbers and picks the emergency numbers.
    pub country: String,
    pub privacy_mode: Option<PrivacyMode>,
    pub anonymous_name: Option<String>,
    pub anonymous_number: Option<String>,
    /// Overrides `system.block_anonymous_caller_id` when set.
    pub block_anonymous_caller_id: Option<bool>,
    /// Ids of the active (selected) blocklists, in the order they are consulted.
    pub blocklists: Vec<String>,
    /// Caller-ID rewrite rules applied before normalisation; the first match wins.
    pub in_callerid: Vec<CallerIdRule>,
    /// Numbers and prefixes whose calls are never screened out.
    pub allowlist: Allowlist,
    pub users: Vec<User>,
    /// What to do with each STIR/SHAKEN verification outcome (all `allow` when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stir_shaken: Option<StirRules>,
}

/// An account's allowlist: a match overrides every block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Allowlist {
    pub numbers: Vec<NumberEntry>,
    pub prefixes: Vec<PrefixEntry>,
}

/// A user of an account, with the user's own blocklist (Wazo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub blocklist: Vec<UserEntry>,
}

/// A named account blocklist (Kazoo): numbers, prefixes and the anonymous switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocklist {
    pub id: String,
    pub name: String,
    /// The country national-format entries were read with: the list's own, else that of the accounts
    /// that select it (null when entries had to be international).
    pub country: Option<String>,
    pub numbers: Vec<NumberEntry>,
    pub prefixes: Vec<PrefixEntry>,
    /// Reject anonymous calls to accounts that select this list (Kazoo `should_block_anonymous`).
    pub block_anonymous: bool,
}

/// A resource (carrier) with its gateways.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    pub id: String,
    pub privacy_mode: Option<PrivacyMode>,
    /// Whether this carrier may receive the real caller ID in `P-Asserted-Identity` (default: no).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted: Option<bool>,
    pub gateways: Vec<Gateway>,
}

/// One gateway of a resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gateway {
    pub id: String,
    pub privacy_mode: Option<PrivacyMode>,
    /// Overrides the resource's `trusted` for this gateway when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted: Option<bool>,
}

/// The default anonymised caller name (Kazoo docs).
pub const DEFAULT_ANONYMOUS_NAME: &str = "anonymous";
/// The default anonymised caller number (Kazoo docs).
pub const DEFAULT_ANONYMOUS_NUMBER: &str = "0000000000";
/// The default privacy feature code.
pub const DEFAULT_FEATURE_CODE: &str = "*67";
/// The key of the emergency numbers used for countries without their own entry.
pub const EMERGENCY_DEFAULT_KEY: &str = "default";

/// Built-in emergency numbers by country; `default` (112 and 911, which GSM handsets route everywhere)
/// applies to countries not listed.
const DEFAULT_EMERGENCY: &[(&str, &[&str])] = &[
    ("default", &["112", "911"]),
    ("AT", &["112", "122", "133", "144"]),
    ("AU", &["000", "112", "106"]),
    ("BE", &["112", "100", "101"]),
    ("BR", &["190", "192", "193", "112"]),
    ("CA", &["911", "933"]),
    ("CH", &["112", "117", "118", "144"]),
    ("DE", &["110", "112"]),
    ("ES", &["112", "091", "092", "061", "062", "080", "085"]),
    ("FR", &["112", "15", "17", "18", "114", "115", "119", "191", "196", "197"]),
    ("GB", &["999", "112"]),
    ("IE", &["112", "999"]),
    ("IN", &["112", "100", "101", "102", "108"]),
    ("IT", &["112", "113", "115", "118"]),
    ("JP", &["110", "118", "119"]),
    ("MX", &["911"]),
    ("NL", &["112"]),
    ("NZ", &["111", "112"]),
    ("US", &["911", "933"]),
    ("ZA", &["10111", "10177", "112"]),
];

impl System {
    /// The emergency numbers that apply to an account of `country`.
    pub fn emergency_for(&self, country: &str) -> &[String] {
        self.emergency_numbers
            .get(country)
            .or_else(|| self.emergency_numbers.get(EMERGENCY_DEFAULT_KEY))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

impl Default for System {
    fn default() -> Self {
        System {
            privacy_mode: None,
            anonymous_name: DEFAULT_ANONYMOUS_NAME.to_owned(),
            anonymous_number: DEFAULT_ANONYMOUS_NUMBER.to_owned(),
            privacy_feature_codes: vec![DEFAULT_FEATURE_CODE.to_owned()],
            emergency_numbers: default_emergency(),
            block_anonymous_caller_id: false,
            check_additional_anonymous_cid_names: false,
            anonymous_cid_names: kazoo_anonymous_values(),
            check_additional_anonymous_cid_numbers: false,
            anonymous_cid_numbers: kazoo_anonymous_values(),
            stir_shaken: StirSystem::default(),
            trusted_peers: Vec::new(),
        }
    }
}

/// Kazoo's default `anonymous_cid_names` and `anonymous_cid_numbers` (`kz_privacy.erl`
/// `DEFAULT_ANONYMOUS_VALUES`, used for both lists).
fn kazoo_anonymous_values() -> Vec<String> {
    ["anonymous", "restricted", "0000000000"].map(str::to_owned).to_vec()
}

fn default_emergency() -> BTreeMap<String, Vec<String>> {
    DEFAULT_EMERGENCY
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
        .collect()
}

impl Policy {
    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The blocklist with this id.
    pub fn blocklist(&self, id: &str) -> Option<&Blocklist> {
        self.blocklists.iter().find(|b| b.id == id)
    }

    /// The resource with this id.
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }
}

impl<'de> serde::Deserialize<'de> for Policy {
    /// Deserialising runs the full validation; the error lists every problem.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        validate_policy(&v).map_err(serde::de::Error::custom)
    }
}

/// Validates a policy document, reporting every problem with its JSON path.
pub fn validate_policy(v: &Value) -> Result<Policy, Problems> {
    let mut errs = Vec::new();
    let policy = read_policy(v, &mut errs);
    if errs.is_empty() {
        Ok(policy)
    } else {
        Err(Problems(errs))
    }
}

const TOP_KEYS: &[&str] = &["system", "accounts", "resources", "blocklists", "masking"];
const SYSTEM_KEYS: &[&str] = &[
    "privacy_mode",
    "anonymous_name",
    "anonymous_number",
    "privacy_feature_codes",
    "emergency_numbers",
    "block_anonymous_caller_id",
    "check_additional_anonymous_cid_names",
    "anonymous_cid_names",
    "check_additional_anonymous_cid_numbers",
    "anonymous_cid_numbers",
    "stir_shaken",
    "trusted_peers",
];
const ACCOUNT_KEYS: &[&str] = &[
    "id",
    "country",
    "privacy_mode",
    "anonymous_name",
    "anonymous_number",
    "block_anonymous_caller_id",
    "blocklists",
    "in_callerid",
    "allowlist",
    "users",
    "stir_shaken",
];
const BLOCKLIST_KEYS: &[&str] = &["id", "name", "country", "numbers", "prefixes", "block_anonymous"];
const RESOURCE_KEYS: &[&str] = &["id", "privacy_mode", "trusted", "gateways"];
const GATEWAY_KEYS: &[&str] = &["id", "privacy_mode", "trusted"];

fn read_policy(v: &Value, errs: &mut Vec<Error>) -> Policy {
    let mut policy = Policy {
        system: System::default(),
        accounts: vec![],
        resources: vec![],
        blocklists: vec![],
        masking: None,
    };
    let Some(top) = object(v, "", TOP_KEYS, errs) else { return policy };
    if let Some(s) = top.get("system") {
        policy.system = read_system(s, "system", errs);
    }
    policy.masking = top.get("masking").filter(|m| !m.is_null()).cloned();
    if let Some(m) = &policy.masking {
        // One document, one validation: the masking module reads its own section, paths re-rooted under it.
        if let Err(problems) = crate::masking::MaskingConfig::from_value(m) {
            errs.extend(problems.0.into_iter().map(|e| {
                if e.field == "config" {
                    Error { field: "masking".into(), ..e }
                } else {
                    e.under("masking")
                }
            }));
        }
    }
    policy.accounts = read_list(&top, "accounts", errs, read_account);
    policy.resources = read_list(&top, "resources", errs, read_resource);
    let accounts = &policy.accounts;
    policy.blocklists =
        read_list(&top, "blocklists", errs, |v, path, errs| read_blocklist(v, path, accounts, errs));
    check_references(&top, &policy.accounts, errs);
    policy
}

/// Reads the array at `key` element by element, keeping the elements that read well, and reports every
/// element whose `id` repeats an earlier one (paths use the document's indices).
pub(crate) fn read_list<T>(
    o: &Obj<'_>,
    key: &str,
    errs: &mut Vec<Error>,
    read: impl Fn(&Value, &str, &mut Vec<Error>) -> Option<T>,
) -> Vec<T> {
    let Some(items) = o.array(key, errs) else { return vec![] };
    let base = o.path(key);
    let out = items.iter().enumerate().filter_map(|(i, v)| read(v, &format!("{base}[{i}]"), errs)).collect();
    let mut seen = HashSet::new();
    for (i, v) in items.iter().enumerate() {
        if let Some(id) = v.get("id").and_then(Value::as_str) {
            if !seen.insert(id) {
                errs.push(Error::new(
                    format!("{base}[{i}].id"),
                    "duplicate_id",
                    format!("duplicate id {id:?} (ids must be unique in {base})"),
                ));
            }
        }
    }
    out
}

fn read_system(v: &Value, path: &str, errs: &mut Vec<Error>) -> System {
    let mut sys = System::default();
    let Some(o) = object(v, path, SYSTEM_KEYS, errs) else { return sys };
    sys.privacy_mode = o.choice("privacy_mode", errs);
    if let Some(n) = read_anonymous_name(&o, errs) {
        sys.anonymous_name = n;
    }
    if let Some(n) = read_anonymous_number(&o, errs) {
        sys.anonymous_number = n;
    }
    if let Some(codes) = o.str_list("privacy_feature_codes", errs) {
        let base = o.path("privacy_feature_codes");
        for (i, c) in codes.iter().enumerate() {
            if !is_feature_code(c) {
                errs.push(Error::new(
                    format!("{base}[{i}]"),
                    "invalid_feature_code",
                    format!("{c:?} is not a feature code: expected * or # then 1 to 6 digits and an optional #, e.g. \"*67\" or \"#31#\""),
                ));
            }
        }
        check_unique_values(&codes, &base, errs);
        sys.privacy_feature_codes = codes.iter().map(|s| (*s).to_owned()).collect();
    }
    if let Some(em) = o.get("emergency_numbers") {
        read_emergency(em, &o.path("emergency_numbers"), &mut sys.emergency_numbers, errs);
    }
    if let Some(b) = o.bool("block_anonymous_caller_id", errs) {
        sys.block_anonymous_caller_id = b;
    }
    if let Some(b) = o.bool("check_additional_anonymous_cid_names", errs) {
        sys.check_additional_anonymous_cid_names = b;
    }
    if let Some(b) = o.bool("check_additional_anonymous_cid_numbers", errs) {
        sys.check_additional_anonymous_cid_numbers = b;
    }
    if let Some(names) = read_cid_strings(&o, "anonymous_cid_names", errs) {
        sys.anonymous_cid_names = names;
    }
    if let Some(numbers) = read_cid_strings(&o, "anonymous_cid_numbers", errs) {
        sys.anonymous_cid_numbers = numbers;
    }
    if let Some(v) = o.get("stir_shaken") {
        sys.stir_shaken = crate::screening::stir::read_system(v, &o.path("stir_shaken"), errs);
    }
    sys.trusted_peers = read_trusted_peers(&o, "trusted_peers", errs);
    sys
}

/// Reads a list of caller-ID strings matched case-insensitively: each 1..=128 characters, no duplicates.
fn read_cid_strings(o: &Obj<'_>, key: &str, errs: &mut Vec<Error>) -> Option<Vec<String>> {
    let values = o.str_list(key, errs)?;
    let base = o.path(key);
    for (i, v) in values.iter().enumerate() {
        if v.trim().is_empty() || v.chars().count() > 128 {
            errs.push(Error::new(format!("{base}[{i}]"), "invalid_length", "must be 1 to 128 characters"));
        }
    }
    let lower: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
    check_unique_values(&lower.iter().map(String::as_str).collect::<Vec<_>>(), &base, errs);
    Some(values.iter().map(|v| (*v).to_owned()).collect())
}

fn check_unique_values(values: &[&str], path: &str, errs: &mut Vec<Error>) {
    let mut seen = HashSet::new();
    for (i, v) in values.iter().enumerate() {
        if !seen.insert(*v) {
            errs.push(Error::new(
                format!("{path}[{i}]"),
                "duplicate_value",
                format!("{v:?} is listed twice"),
            ));
        }
    }
}

/// `*` or `#`, 1 to 6 digits, and an optional closing `#` (`*67`, `#31#` as on GSM handsets).
fn is_feature_code(c: &str) -> bool {
    let Some(body) = c.strip_prefix(['*', '#']) else { return false };
    let digits = body.strip_suffix('#').unwrap_or(body);
    (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn read_emergency(v: &Value, path: &str, into: &mut BTreeMap<String, Vec<String>>, errs: &mut Vec<Error>) {
    let Some(map) = v.as_object() else {
        errs.push(type_error(path, "an object of country -> numbers", v));
        return;
    };
    for (key, numbers) in map {
        let kpath = crate::error::key_path(path, key);
        let country = if key == EMERGENCY_DEFAULT_KEY {
            Some(key.clone())
        } else {
            match check_country(key) {
                Ok(c) if c == *key => Some(c),
                Ok(c) => {
                    errs.push(Error::new(&kpath, "unknown_country", format!("write the country as {c:?}")));
                    None
                }
                Err(e) => {
                    errs.push(Error::new(&kpath, &e.code, e.message));
                    None
                }
            }
        };
        let Some(list) = numbers.as_array() else {
            errs.push(type_error(&kpath, "an array of numbers", numbers));
            continue;
        };
        let mut out = Vec::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            let npath = format!("{kpath}[{i}]");
            match n.as_str() {
                Some(s) if is_short_code(s) => out.push(s.to_owned()),
                Some(s) => errs.push(Error::new(
                    npath,
                    "invalid_number",
                    format!("{s:?} is not an emergency number: expected 1 to 8 digits"),
                )),
                None => errs.push(type_error(&npath, "a string", n)),
            }
        }
        if let Some(c) = country {
            into.insert(c, out);
        }
    }
}

fn is_short_code(s: &str) -> bool {
    (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn read_anonymous_name(o: &Obj<'_>, errs: &mut Vec<Error>) -> Option<String> {
    o.str_len("anonymous_name", 1, 128, errs).map(str::to_owned)
}

fn read_anonymous_number(o: &Obj<'_>, errs: &mut Vec<Error>) -> Option<String> {
    let s = o.str_len("anonymous_number", 1, 32, errs)?;
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b"+*#._-".contains(&b)) {
        errs.push(Error::new(
            o.path("anonymous_number"),
            "invalid_value",
            format!("{s:?} cannot be a SIP user part: use letters, digits and + * # . _ -"),
        ));
        return None;
    }
    Some(s.to_owned())
}

/// Reads a required, non-empty id of at most 128 characters.
pub(crate) fn read_id(o: &Obj<'_>, errs: &mut Vec<Error>) -> Option<String> {
    let got = o.str_len("id", 1, 128, errs);
    o.require("id", got, errs).map(str::to_owned)
}

/// Checks an ISO 3166 alpha-2 country code, returning it upper-cased. The phone module is the authority on
/// which countries exist: a country it cannot read numbers for is refused here too.
pub fn check_country(country: &str) -> Result<String, Error> {
    crate::phone::Country::parse(country).map(|c| c.code().to_owned()).map_err(|_| {
        Error::new(
            "country",
            "unknown_country",
            format!("{country:?} is not a known ISO 3166 alpha-2 country code"),
        )
    })
}

fn read_account(v: &Value, path: &str, errs: &mut Vec<Error>) -> Option<Account> {
    let o = object(v, path, ACCOUNT_KEYS, errs)?;
    let id = read_id(&o, errs);
    let country = o.req_str("country", errs).and_then(|c| match check_country(c) {
        Ok(c) => Some(c),
        Err(e) => {
            errs.push(e.under(path));
            None
        }
    });
    let privacy_mode = o.choice("privacy_mode", errs);
    let anonymous_name = read_anonymous_name(&o, errs);
    let anonymous_number = read_anonymous_number(&o, errs);
    let block_anonymous_caller_id = o.bool("block_anonymous_caller_id", errs);
    let blocklists = o.str_list("blocklists", errs).unwrap_or_default();
    check_unique_values(&blocklists, &o.path("blocklists"), errs);
    let in_callerid = read_list(&o, "in_callerid", errs, read_rule);
    let stir_shaken =
        o.get("stir_shaken").map(|v| crate::screening::stir::read_rules(v, &o.path("stir_shaken"), errs));
    // Without a valid country, national entries cannot be read: their problems would only repeat it.
    let (allowlist, users) = match &country {
        Some(c) => (
            o.get("allowlist").map(|v| read_allowlist(v, &o.path("allowlist"), c, errs)).unwrap_or_default(),
            read_list(&o, "users", errs, |v, path, errs| read_user(v, path, c, errs)),
        ),
        None => (Allowlist::default(), vec![]),
    };
    Some(Account {
        id: id?,
        country: country?,
        privacy_mode,
        anonymous_name,
        anonymous_number,
        block_anonymous_caller_id,
        blocklists: blocklists.iter().map(|s| (*s).to_owned()).collect(),
        in_callerid,
        allowlist,
        users,
        stir_shaken,
    })
}

fn read_rule(v: &Value, path: &str, errs: &mut Vec<Error>) -> Option<CallerIdRule> {
    let o = object(v, path, &["match", "strip", "add"], errs)?;
    let pattern = o.req_str("match", errs);
    let strip = o.uint("strip", MAX_STRIP, errs).unwrap_or(0);
    let add = o.str("add", errs).unwrap_or("");
    match CallerIdRule::new(pattern?, usize::try_from(strip).unwrap_or(0), add) {
        Ok(rule) => Some(rule),
        Err(e) => {
            errs.push(e.under(path));
            None
        }
    }
}

fn read_allowlist(v: &Value, path: &str, country: &str, errs: &mut Vec<Error>) -> Allowlist {
    let Some(o) = object(v, path, &["numbers", "prefixes"], errs) else { return Allowlist::default() };
    let (numbers, prefixes) = read_numbers_and_prefixes(&o, Some(country), ListKind::Allowlist, errs);
    Allowlist { numbers, prefixes }
}

/// Reads the `numbers` and `prefixes` arrays of a list, each entry normalised, repeats reported.
fn read_numbers_and_prefixes(
    o: &Obj<'_>,
    country: Option<&str>,
    kind: ListKind,
    errs: &mut Vec<Error>,
) -> (Vec<NumberEntry>, Vec<PrefixEntry>) {
    let mut keyed = Vec::new();
    let numbers = read_indexed(
        o,
        "numbers",
        errs,
        |v, path, errs| read_number(v, path, country, kind, errs),
        &mut keyed,
    );
    check_duplicates(std::mem::take(&mut keyed), &o.path("numbers"), errs);
    let prefixes = read_indexed(o, "prefixes", errs, read_prefix, &mut keyed);
    check_duplicates(keyed, &o.path("prefixes"), errs);
    (numbers.into_iter().map(|(e, _)| e).collect(), prefixes.into_iter().map(|(e, _)| e).collect())
}

/// Something with an E.164 key (for the duplicate check).
trait Keyed {
    fn key(&self) -> crate::screening::lists::E164;
}
impl Keyed for NumberEntry {
    fn key(&self) -> crate::screening::lists::E164 {
        self.e164
    }
}
impl Keyed for PrefixEntry {
    fn key(&self) -> crate::screening::lists::E164 {
        self.e164_prefix
    }
}
impl Keyed for UserEntry {
    fn key(&self) -> crate::screening::lists::E164 {
        self.e164
    }
}

/// Reads the array at `key`, collecting (key, document index) of each good entry into `keyed`.
fn read_indexed<T: Keyed>(
    o: &Obj<'_>,
    key: &str,
    errs: &mut Vec<Error>,
    read: impl Fn(&Value, &str, &mut Vec<Error>) -> Option<T>,
    keyed: &mut Vec<(crate::screening::lists::E164, usize)>,
) -> Vec<(T, usize)> {
    let Some(items) = o.array(key, errs) else { return vec![] };
    let base = o.path(key);
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        if let Some(e) = read(v, &format!("{base}[{i}]"), errs) {
            keyed.push((e.key(), i));
            out.push((e, i));
        }
    }
    out
}

fn read_user(v: &Value, path: &str, country: &str, errs: &mut Vec<Error>) -> Option<User> {
    let o = object(v, path, &["id", "blocklist"], errs)?;
    let id = read_id(&o, errs);
    let mut keyed = Vec::new();
    let entries = read_indexed(
        &o,
        "blocklist",
        errs,
        |v, path, errs| read_user_entry(v, path, country, errs),
        &mut keyed,
    );
    check_duplicates(keyed, &o.path("blocklist"), errs);
    let mut seen = HashSet::new();
    for (e, i) in &entries {
        if !seen.insert(e.id.as_str()) {
            errs.push(Error::new(
                format!("{}[{i}].id", o.path("blocklist")),
                "duplicate_id",
                format!("duplicate id {:?} (ids must be unique in the user's blocklist)", e.id),
            ));
        }
    }
    Some(User { id: id?, blocklist: entries.into_iter().map(|(e, _)| e).collect() })
}

/// Reads a blocklist, normalising its entries with its own country or, failing that, the one country of
/// the accounts that select it.
fn read_blocklist(v: &Value, path: &str, accounts: &[Account], errs: &mut Vec<Error>) -> Option<Blocklist> {
    let o = object(v, path, BLOCKLIST_KEYS, errs)?;
    let id = read_id(&o, errs);
    let name = o.str_len("name", 1, 128, errs);
    let name = o.require("name", name, errs);
    let block_anonymous = o.bool("block_anonymous", errs).unwrap_or(false);
    let own = o.str("country", errs).map(|c| check_country(c).map_err(|e| e.under(path)));
    let country = match own {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            errs.push(e);
            return None;
        }
        None => {
            let mut countries: Vec<&str> = accounts
                .iter()
                .filter(|a| id.as_deref().is_some_and(|id| a.blocklists.iter().any(|b| b == id)))
                .map(|a| a.country.as_str())
                .collect();
            countries.sort_unstable();
            countries.dedup();
            match countries.as_slice() {
                [] => None,
                [one] => Some((*one).to_owned()),
                many => {
                    errs.push(Error::new(
                        o.path("country"),
                        "missing",
                        format!(
                            "selected by accounts of different countries ({}): say which country its national numbers are in",
                            many.join(", ")
                        ),
                    ));
                    return None;
                }
            }
        }
    };
    let (numbers, prefixes) = read_numbers_and_prefixes(&o, country.as_deref(), ListKind::Blocklist, errs);
    Some(Blocklist { id: id?, name: name?.to_owned(), country, numbers, prefixes, block_anonymous })
}

/// Reports every selected blocklist id that names no list of the document.
fn check_references(top: &Obj<'_>, accounts: &[Account], errs: &mut Vec<Error>) {
    let ids: HashSet<&str> = top
        .get("blocklists")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|b| b.get("id").and_then(Value::as_str)).collect())
        .unwrap_or_default();
    let raw_accounts = top.get("accounts").and_then(Value::as_array);
    for (i, raw) in raw_accounts.into_iter().flatten().enumerate() {
        let Some(account_id) = raw.get("id").and_then(Value::as_str) else { continue };
        let Some(account) = accounts.iter().find(|a| a.id == account_id) else { continue };
        for (j, list) in account.blocklists.iter().enumerate() {
            if !ids.contains(list.as_str()) {
                errs.push(Error::new(
                    format!("accounts[{i}].blocklists[{j}]"),
                    "unknown_reference",
                    format!("no blocklist {list:?} in blocklists"),
                ));
            }
        }
    }
}

fn read_resource(v: &Value, path: &str, errs: &mut Vec<Error>) -> Option<Resource> {
    let o = object(v, path, RESOURCE_KEYS, errs)?;
    let id = read_id(&o, errs);
    let privacy_mode = o.choice("privacy_mode", errs);
    let trusted = o.bool("trusted", errs);
    let gateways = read_list(&o, "gateways", errs, read_gateway);
    Some(Resource { id: id?, privacy_mode, trusted, gateways })
}

fn read_gateway(v: &Value, path: &str, errs: &mut Vec<Error>) -> Option<Gateway> {
    let o = object(v, path, GATEWAY_KEYS, errs)?;
    let id = read_id(&o, errs);
    let privacy_mode = o.choice("privacy_mode", errs);
    let trusted = o.bool("trusted", errs);
    Some(Gateway { id: id?, privacy_mode, trusted })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(v: Value) -> Vec<(String, String)> {
        match validate_policy(&v) {
            Ok(_) => vec![],
            Err(p) => p.0.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    #[test]
    fn empty_document_takes_the_defaults() {
        let p = validate_policy(&json!({})).unwrap();
        assert_eq!(p.system.anonymous_name, "anonymous");
        assert_eq!(p.system.anonymous_number, "0000000000");
        assert_eq!(p.system.privacy_feature_codes, ["*67"]);
        assert_eq!(p.system.privacy_mode, None);
        assert_eq!(p.system.emergency_for("US"), ["911", "933"]);
        assert_eq!(p.system.emergency_for("PL"), ["112", "911"]);
    }

    #[test]
    fn the_issue_example_message_is_exact() {
        let v = json!({"accounts": [
            {"id": "a", "country": "FR"}, {"id": "b", "country": "US"},
            {"id": "c", "country": "DE", "privacy_mode": "hide"}
        ]});
        let err = validate_policy(&v).unwrap_err();
        assert_eq!(
            err.0[0].to_string(),
            "accounts[2].privacy_mode: unknown value \"hide\"; expected one of kazoo, hide_name, hide_number, sip"
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let v = json!({
            "system": {"privacy_mode": "KAZOO", "anonymous_number": "not a number", "privacy_feature_codes": ["67", "*67", "*67"],
                       "emergency_numbers": {"fr": ["112"], "XX": ["1"], "US": ["9-1-1"]}},
            "accounts": [{"id": "a", "country": "FR", "privacy_mod": "sip"}, {"id": "a", "country": "France"}, {"country": "US"}],
            "resources": [{"id": "r", "gateways": [{"id": "g"}, {"id": "g", "privacy_mode": 3}]}],
            "extra": true,
            "masking": {"anything": "goes"}
        });
        assert_eq!(
            problems(v),
            [
                ("extra", "unknown_key"),
                ("system.privacy_mode", "unknown_value"),
                ("system.anonymous_number", "invalid_value"),
                ("system.privacy_feature_codes[0]", "invalid_feature_code"),
                ("system.privacy_feature_codes[2]", "duplicate_value"),
                ("system.emergency_numbers.US[0]", "invalid_number"),
                ("system.emergency_numbers.XX", "unknown_country"),
                ("system.emergency_numbers.fr", "unknown_country"),
                ("masking.anything", "unknown_key"),
                ("masking.not_allowed", "missing"),
                ("accounts[0].privacy_mod", "unknown_key"),
                ("accounts[1].country", "unknown_country"),
                ("accounts[2].id", "missing"),
                ("accounts[1].id", "duplicate_id"),
                ("resources[0].gateways[1].privacy_mode", "invalid_type"),
                ("resources[0].gateways[1].id", "duplicate_id"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn emergency_overrides_replace_one_country_only() {
        let p =
            validate_policy(&json!({"system": {"emergency_numbers": {"US": ["911"], "default": ["112"]}}}))
                .unwrap();
        assert_eq!(p.system.emergency_for("US"), ["911"]);
        assert_eq!(p.system.emergency_for("FR")[0], "112");
        assert_eq!(p.system.emergency_for("PL"), ["112"]);
    }

    #[test]
    fn countries_are_upper_cased_and_checked() {
        let p = validate_policy(&json!({"accounts": [{"id": "a", "country": "fr"}]})).unwrap();
        assert_eq!(p.accounts[0].country, "FR");
        assert_eq!(
            problems(json!({"accounts": [{"id": "a", "country": "QQ"}]})),
            [("accounts[0].country".into(), "unknown_country".into())]
        );
    }

    #[test]
    fn serde_deserialize_runs_the_validation() {
        let err = serde_json::from_value::<Policy>(json!({"system": {"privacy_mode": "hide"}})).unwrap_err();
        assert!(err.to_string().contains("system.privacy_mode: unknown value \"hide\""), "{err}");
    }
}
