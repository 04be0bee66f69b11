//! Screening from stored rows: list entries live as rows in the tenant's storage (indexed by their E.164
//! key), not in the policy document. A decision then takes three steps, the first and last in the core:
//!
//! 1. [`Engine::lookup_keys`](crate::Engine::lookup_keys): the event becomes the keys it needs (the lists
//!    the call consults and the caller's normalised number with each of its leading prefixes);
//! 2. storage fetches only the rows under those keys (at most 16 keys per consulted list);
//! 3. [`Engine::decide_rows`](crate::Engine::decide_rows): the core decides from the event plus those rows,
//!    through the very same screening rules, so verdicts and traces are those of a document carrying the
//!    whole lists.
//!
//! [`split_policy`] turns a document that still carries lists into its settings (the document without
//! entries) and the rows to store, so older documents keep working: they are migrated on PUT.

use crate::error::{Error, Problems};
use crate::policy::event::{CallEvent, Direction};
use crate::policy::trust::SourceTrust;
use crate::policy::{validate_policy, Account, Allowlist, Blocklist, Policy, User};
use crate::privacy::Requested;
use crate::screening::lists::{NumberEntry, PrefixEntry, UserEntry, E164};
use crate::screening::rules::{read_caller, screen, Context, Screening, ScreeningIndex};
use crate::trace::Trace;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The list-name prefix of an account blocklist (`blocklist:<id>`).
pub const BLOCKLIST: &str = "blocklist:";
/// The list-name prefix of an account's allowlist (`allowlist:<account id>`).
pub const ALLOWLIST: &str = "allowlist:";
/// The list-name prefix of a user's blocklist (`user:<user id>`).
pub const USER: &str = "user:";

/// Whether a row is an exact number or a prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Number,
    Prefix,
}

/// One stored list entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// `blocklist:<id>`, `allowlist:<account id>` or `user:<user id>`.
    pub list: String,
    pub kind: Kind,
    /// The normalised key: `+` and digits (for a prefix, the prefix).
    pub e164: String,
    /// The entry as written.
    pub written: String,
    #[serde(default)]
    pub label: Option<String>,
    /// The entry id (user blocklist entries: Wazo's uuid).
    #[serde(default)]
    pub id: Option<String>,
}

/// What storage must fetch for one call: the rows of `lists` whose key is in `keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupKeys {
    /// The lists the call consults (empty for calls that are not screened).
    pub lists: Vec<String>,
    /// The caller's normalised number (null when there is none to look up).
    pub caller: Option<String>,
    /// The caller's number and each of its leading prefixes, longest first (empty without a caller).
    pub keys: Vec<String>,
}

/// A document split into the settings kept as the policy and the entries kept as rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Split {
    /// The document as written, without list entries (`numbers`/`prefixes` of blocklists, accounts'
    /// `allowlist`, users' `blocklist`).
    pub settings: Value,
    /// Every entry, normalised.
    pub rows: Vec<Row>,
    /// The lists the document carried entries for (their stored rows are replaced by `rows`): blocklists
    /// written with `numbers` or `prefixes`, accounts written with `allowlist`, users with `blocklist`.
    pub replaced: Vec<String>,
}

/// The lists a call consults, in order: the account's allowlist, its active blocklists, the destination
/// user's blocklist.
pub(crate) fn consulted(policy: &Policy, account: &Account, user: Option<&User>) -> Vec<String> {
    let mut lists = vec![format!("{ALLOWLIST}{}", account.id)];
    lists.extend(
        account
            .blocklists
            .iter()
            .filter(|id| policy.blocklist(id).is_some())
            .map(|id| format!("{BLOCKLIST}{id}")),
    );
    if let Some(u) = user {
        lists.push(format!("{USER}{}", u.id));
    }
    lists
}

/// The lookup keys of a call whose account and user are resolved.
pub(crate) fn lookup_keys(
    event: &CallEvent,
    policy: &Policy,
    account: &Account,
    user: Option<&User>,
    trust: &SourceTrust,
) -> LookupKeys {
    if event.direction != Direction::Inbound {
        return LookupKeys { lists: vec![], caller: None, keys: vec![] };
    }
    // The trace of this read is thrown away: the decision reads the caller again and traces it there.
    let caller = read_caller(event, account, trust, &mut Trace::default()).e164;
    let keys = caller.as_deref().map(prefixes).unwrap_or_default();
    LookupKeys { lists: consulted(policy, account, user), caller, keys }
}

/// `+digits` and each shorter leading run of its digits, longest first.
fn prefixes(e164: &str) -> Vec<String> {
    let digits = e164.strip_prefix('+').unwrap_or(e164);
    (1..=digits.len()).rev().filter_map(|n| digits.get(..n)).map(|d| format!("+{d}")).collect()
}

/// Reads the rows handed back by storage (every problem reported with its index).
pub fn read_rows(v: &Value) -> Result<Vec<Row>, Problems> {
    let Some(items) = v.as_array() else {
        return Err(Problems(vec![Error::new("rows", "invalid_type", "expected an array of rows")]));
    };
    let mut errs = Vec::new();
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match Row::deserialize(item) {
            Ok(r) if E164::parse(&r.e164).is_some() => rows.push(r),
            Ok(r) => errs.push(Error::new(
                format!("rows[{i}].e164"),
                "invalid_key",
                format!("{:?} is not + and 1 to 17 digits", r.e164),
            )),
            Err(e) => errs.push(Error::new(format!("rows[{i}]"), "invalid_row", e.to_string())),
        }
    }
    if errs.is_empty() {
        Ok(rows)
    } else {
        Err(Problems(errs))
    }
}

/// What the engine resolved for a call before screening it.
#[derive(Clone, Copy)]
pub(crate) struct Resolved<'a> {
    pub account: &'a Account,
    pub user: Option<&'a User>,
    pub requested: &'a Requested,
    pub trust: &'a SourceTrust,
}

/// Screens a call from the rows of the lists it consults: the policy's lists are replaced, for this call,
/// by lists holding only those rows, and the ordinary screening rules run on them.
pub(crate) fn screen_rows(
    event: &CallEvent,
    policy: &Policy,
    call: &Resolved<'_>,
    rows: &[Row],
    trace: &mut Trace,
) -> Option<Screening> {
    let Resolved { account, user, requested, trust } = *call;
    let of = |list: String, kind: Kind| {
        rows.iter()
            .filter(move |r| r.list == list && r.kind == kind)
            .filter_map(|r| Some((r, E164::parse(&r.e164)?)))
    };
    let numbers = |list: String| -> Vec<NumberEntry> {
        of(list, Kind::Number)
            .map(|(r, e164)| NumberEntry { number: r.written.clone(), e164, label: r.label.clone() })
            .collect()
    };
    let prefix_entries = |list: String| -> Vec<PrefixEntry> {
        of(list, Kind::Prefix)
            .map(|(r, k)| PrefixEntry { prefix: r.written.clone(), e164_prefix: k, label: r.label.clone() })
            .collect()
    };
    let blocklists: Vec<Blocklist> = account
        .blocklists
        .iter()
        .filter_map(|id| policy.blocklist(id))
        .map(|b| Blocklist {
            id: b.id.clone(),
            name: b.name.clone(),
            country: b.country.clone(),
            numbers: numbers(format!("{BLOCKLIST}{}", b.id)),
            prefixes: prefix_entries(format!("{BLOCKLIST}{}", b.id)),
            block_anonymous: b.block_anonymous,
        })
        .collect();
    let users: Vec<User> = user
        .map(|u| User {
            id: u.id.clone(),
            blocklist: of(format!("{USER}{}", u.id), Kind::Number)
                .map(|(r, e164)| UserEntry {
                    id: r.id.clone().unwrap_or_default(),
                    number: r.written.clone(),
                    e164,
                    label: r.label.clone(),
                })
                .collect(),
        })
        .into_iter()
        .collect();
    let view_account = Account {
        id: account.id.clone(),
        country: account.country.clone(),
        privacy_mode: account.privacy_mode,
        anonymous_name: account.anonymous_name.clone(),
        anonymous_number: account.anonymous_number.clone(),
        block_anonymous_caller_id: account.block_anonymous_caller_id,
        blocklists: account.blocklists.clone(),
        in_callerid: account.in_callerid.clone(),
        allowlist: Allowlist {
            numbers: numbers(format!("{ALLOWLIST}{}", account.id)),
            prefixes: prefix_entries(format!("{ALLOWLIST}{}", account.id)),
        },
        users,
        stir_shaken: account.stir_shaken.clone(),
    };
    let view = Policy {
        system: policy.system.clone(),
        accounts: vec![view_account],
        resources: vec![],
        blocklists,
        masking: None,
    };
    let index = ScreeningIndex::build(&view);
    let account = view.accounts.first()?;
    let cx = Context { policy: &view, index: &index, account, user: account.users.first(), requested, trust };
    screen(event, &cx, trace)
}

/// Splits a policy document into its settings and its entries as rows (the whole document is validated
/// first: an invalid one is refused with every problem, exactly as before).
pub fn split_policy(v: &Value) -> Result<Split, Problems> {
    let policy = validate_policy(v)?;
    let mut rows = Vec::new();
    let mut replaced = Vec::new();
    let mut settings = v.clone();
    let row = |list: &str, kind, e164: E164, written: &str, label: &Option<String>, id: Option<&str>| Row {
        list: list.to_owned(),
        kind,
        e164: e164.to_string(),
        written: written.to_owned(),
        label: label.clone(),
        id: id.map(str::to_owned),
    };
    // A blocklist written without `numbers` and `prefixes` keeps its stored rows.
    let carries = |id: &str| {
        v.get("blocklists").and_then(Value::as_array).into_iter().flatten().any(|b| {
            b.get("id").and_then(Value::as_str) == Some(id)
                && (b.get("numbers").is_some() || b.get("prefixes").is_some())
        })
    };
    for b in policy.blocklists.iter().filter(|b| carries(&b.id)) {
        let list = format!("{BLOCKLIST}{}", b.id);
        rows.extend(b.numbers.iter().map(|e| row(&list, Kind::Number, e.e164, &e.number, &e.label, None)));
        rows.extend(
            b.prefixes.iter().map(|e| row(&list, Kind::Prefix, e.e164_prefix, &e.prefix, &e.label, None)),
        );
        replaced.push(list);
    }
    if let Some(lists) = settings.get_mut("blocklists").and_then(Value::as_array_mut) {
        for b in lists.iter_mut().filter_map(Value::as_object_mut) {
            b.remove("numbers");
            b.remove("prefixes");
        }
    }
    let raw_accounts = settings.get_mut("accounts").and_then(Value::as_array_mut);
    for raw in raw_accounts.into_iter().flatten().filter_map(Value::as_object_mut) {
        let Some(account) = raw.get("id").and_then(Value::as_str).and_then(|id| policy.account(id)) else {
            continue;
        };
        if raw.remove("allowlist").is_some() {
            let list = format!("{ALLOWLIST}{}", account.id);
            let a = &account.allowlist;
            rows.extend(
                a.numbers.iter().map(|e| row(&list, Kind::Number, e.e164, &e.number, &e.label, None)),
            );
            rows.extend(
                a.prefixes.iter().map(|e| row(&list, Kind::Prefix, e.e164_prefix, &e.prefix, &e.label, None)),
            );
            replaced.push(list);
        }
        let raw_users = raw.get_mut("users").and_then(Value::as_array_mut);
        for u in raw_users.into_iter().flatten().filter_map(Value::as_object_mut) {
            let Some(user) =
                u.get("id").and_then(Value::as_str).and_then(|id| account.users.iter().find(|x| x.id == id))
            else {
                continue;
            };
            if u.remove("blocklist").is_some() {
                let list = format!("{USER}{}", user.id);
                rows.extend(
                    user.blocklist
                        .iter()
                        .map(|e| row(&list, Kind::Number, e.e164, &e.number, &e.label, Some(e.id.as_str()))),
                );
                replaced.push(list);
            }
        }
    }
    Ok(Split { settings, rows, replaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_run_longest_first() {
        assert_eq!(prefixes("+331"), ["+331", "+33", "+3"]);
        assert!(prefixes("+").is_empty());
    }

    #[test]
    fn rows_are_checked() {
        let bad = serde_json::json!([{"list": "user:u", "kind": "number", "e164": "33", "written": "33"},
            {"list": "user:u", "kind": "range", "e164": "+33", "written": "+33"}, {"list": "x"}]);
        let errs = read_rows(&bad).unwrap_err().0;
        let fields: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [("rows[0].e164", "invalid_key"), ("rows[1]", "invalid_row"), ("rows[2]", "invalid_row")]
        );
    }
}
