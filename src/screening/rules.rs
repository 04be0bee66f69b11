//! Inbound call screening: allowlist, anonymous-call rejection (433), account blocklists (603), prefix
//! rules (603) and user blocklists, in that documented precedence, on caller IDs normalised to E.164 with the
//! account's country after the account's `in_callerid` rewrite rules. Lookups go through a [`ScreeningIndex`]
//! built once per policy version; nothing scans a list per call.

use crate::error::Error;
use crate::policy::event::{CallEvent, Direction};
use crate::policy::reader::named_enum;
use crate::policy::trust::{asserted_identities, SourceTrust};
use crate::policy::{Account, Policy, User};
use crate::privacy::Requested;
use crate::screening::index::KeyIndex;
use crate::screening::lists::{is_zero_number, NumberEntry, PrefixEntry, UserEntry, E164};
use crate::screening::rewrite::rewrite;
use crate::screening::stir::{verify, Inputs, StirAction, Verification};
use crate::trace::{Outcome, Trace};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

named_enum! {
    /// What happens to the call.
    pub enum Action {
        Allow = "allow",
        Reject = "reject",
    }
}

named_enum! {
    /// The rule that decided, in precedence order.
    pub enum Rule {
        /// The caller is on the account's allowlist: nothing else is consulted.
        Allowlist = "allowlist",
        /// Anonymous caller and anonymous rejection on (account/system setting or an active list): 433.
        Anonymous = "anonymous",
        /// The number is on an active account blocklist: 603.
        AccountBlocklist = "account_blocklist",
        /// The number starts with a prefix of an active account blocklist (longest wins): 603.
        Prefix = "prefix",
        /// The number is on the destination user's blocklist: 603, play "user-unreachable".
        UserBlocklist = "user_blocklist",
        /// The account's STIR/SHAKEN rule for the verification outcome rejects (its configured code).
        StirShaken = "stir_shaken",
        /// No rule matched: the call goes through.
        NoMatch = "no_match",
    }
}

/// The list that decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListRef {
    /// `allowlist` (the account's), `blocklist` (an account blocklist) or `user_blocklist`.
    pub kind: &'static str,
    /// The blocklist id, or the account id for an allowlist, or the user id for a user blocklist.
    pub id: String,
    /// The blocklist name (account blocklists only).
    pub name: Option<String>,
}

/// The entry that decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryRef {
    /// The entry id (user blocklist entries).
    pub id: Option<String>,
    /// The number or prefix as written in the list.
    pub written: String,
    /// Its normalised form (`+` and digits; for a prefix, the prefix).
    pub e164: String,
    pub label: Option<String>,
}

impl From<&NumberEntry> for EntryRef {
    fn from(e: &NumberEntry) -> Self {
        EntryRef { id: None, written: e.number.clone(), e164: e.e164.to_string(), label: e.label.clone() }
    }
}

impl From<&PrefixEntry> for EntryRef {
    fn from(e: &PrefixEntry) -> Self {
        EntryRef {
            id: None,
            written: e.prefix.clone(),
            e164: e.e164_prefix.to_string(),
            label: e.label.clone(),
        }
    }
}

impl From<&UserEntry> for EntryRef {
    fn from(e: &UserEntry) -> Self {
        EntryRef {
            id: Some(e.id.clone()),
            written: e.number.clone(),
            e164: e.e164.to_string(),
            label: e.label.clone(),
        }
    }
}

/// What screening made of the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Caller {
    /// The number looked up, as received (caller number, or the P-Asserted-Identity user when the caller
    /// number is not a phone number).
    pub number: String,
    /// `caller_number`, or the trusted identity header it came from (`p_asserted_identity`,
    /// `p_preferred_identity`, `remote_party_id`); null when none is a phone number.
    pub source: Option<&'static str>,
    /// The number after the `in_callerid` rule that matched (null when none did).
    pub rewritten: Option<String>,
    /// The normalised number (null when it could not be read as a phone number).
    pub e164: Option<String>,
    pub anonymous: bool,
    /// Why the call counts as anonymous.
    pub anonymous_because: Vec<String>,
}

/// The screening verdict of an inbound call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Screening {
    pub action: Action,
    /// 433 (anonymity disallowed) or 603 (decline) for a rejection, null when allowed.
    pub sip_code: Option<u16>,
    pub rule: Rule,
    /// The announcement to play before hanging up, when the platform answers instead of rejecting
    /// (`user-unreachable` for a user blocklist, as Wazo does).
    pub prompt: Option<&'static str>,
    /// The setting that rejected an anonymous call (`account.block_anonymous_caller_id`,
    /// `system.block_anonymous_caller_id`), when no list did.
    pub setting: Option<&'static str>,
    pub list: Option<ListRef>,
    pub entry: Option<EntryRef>,
    pub caller: Caller,
    /// What STIR/SHAKEN says about the caller (present when the call carries `identity` or `verstat`, or
    /// the account has STIR/SHAKEN rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stir_shaken: Option<Verification>,
    /// The caller name to present, prefixed by the mark of a STIR/SHAKEN `mark` rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marked_caller_name: Option<String>,
}

/// One blocklist's tables.
#[derive(Debug, Clone, Default)]
struct ListIndex {
    numbers: KeyIndex,
    prefixes: KeyIndex,
}

/// One account's tables.
#[derive(Debug, Clone, Default)]
struct AccountIndex {
    /// Positions in `policy.blocklists` of the active lists, in the account's order.
    active: Vec<usize>,
    allow_numbers: KeyIndex,
    allow_prefixes: KeyIndex,
    /// User id -> (position in `account.users`, table of the user's blocklist).
    users: HashMap<String, (usize, KeyIndex)>,
}

/// The lookup tables of a policy version: built once, shared by every call.
#[derive(Debug, Clone, Default)]
pub struct ScreeningIndex {
    lists: Vec<ListIndex>,
    accounts: HashMap<String, AccountIndex>,
}

fn table<T>(entries: &[T], key: impl Fn(&T) -> E164) -> KeyIndex {
    KeyIndex::build(entries.iter().enumerate().map(|(i, e)| (key(e), u32::try_from(i).unwrap_or(u32::MAX))))
}

impl ScreeningIndex {
    /// Builds the tables of a validated policy.
    pub fn build(policy: &Policy) -> ScreeningIndex {
        let lists = policy
            .blocklists
            .iter()
            .map(|b| ListIndex {
                numbers: table(&b.numbers, |e| e.e164),
                prefixes: table(&b.prefixes, |e| e.e164_prefix),
            })
            .collect();
        let position: HashMap<&str, usize> =
            policy.blocklists.iter().enumerate().map(|(i, b)| (b.id.as_str(), i)).collect();
        let accounts = policy
            .accounts
            .iter()
            .map(|a| {
                let index = AccountIndex {
                    active: a.blocklists.iter().filter_map(|id| position.get(id.as_str()).copied()).collect(),
                    allow_numbers: table(&a.allowlist.numbers, |e| e.e164),
                    allow_prefixes: table(&a.allowlist.prefixes, |e| e.e164_prefix),
                    users: a
                        .users
                        .iter()
                        .enumerate()
                        .map(|(i, u)| (u.id.clone(), (i, table(&u.blocklist, |e| e.e164))))
                        .collect(),
                };
                (a.id.clone(), index)
            })
            .collect();
        ScreeningIndex { lists, accounts }
    }

    /// Heap bytes of the number and prefix tables (entries themselves live in the policy).
    pub fn table_bytes(&self) -> usize {
        let lists: usize = self.lists.iter().map(|l| l.numbers.heap_bytes() + l.prefixes.heap_bytes()).sum();
        let accounts: usize = self
            .accounts
            .values()
            .map(|a| {
                a.allow_numbers.heap_bytes()
                    + a.allow_prefixes.heap_bytes()
                    + a.users.values().map(|(_, t)| t.heap_bytes()).sum::<usize>()
            })
            .sum();
        lists + accounts
    }
}

/// The destination user of a call, checked against the account (an unknown user is an error on
/// `destination_user`).
pub fn resolve_user<'p>(account: &'p Account, event: &CallEvent) -> Result<Option<&'p User>, Error> {
    match &event.destination_user {
        None => Ok(None),
        Some(id) => account.users.iter().find(|u| &u.id == id).map(Some).ok_or_else(|| {
            Error::new(
                "destination_user",
                "unknown_user",
                format!("no user {id:?} in account {:?}", account.id),
            )
        }),
    }
}

/// Everything screening reads for one call.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub index: &'a ScreeningIndex,
    pub account: &'a Account,
    pub user: Option<&'a User>,
    /// The privacy the call asks for, as privacy detection found it (one detection for both halves).
    pub requested: &'a Requested,
    /// Whether the call's source is a trusted peer: only then do identity headers name the caller.
    pub trust: &'a SourceTrust,
}

/// Screens a call; `None` (with a trace line) for calls that are not inbound.
pub fn screen(event: &CallEvent, cx: &Context<'_>, trace: &mut Trace) -> Option<Screening> {
    if event.direction != Direction::Inbound {
        trace.push(
            "screening.scope",
            Outcome::Skipped,
            format_args!("{} calls are not screened", event.direction),
        );
        return None;
    }
    let empty = AccountIndex::default();
    let ai = cx.index.accounts.get(&cx.account.id).unwrap_or(&empty);
    let mut caller = read_caller(event, cx.account, cx.trust, trace);
    detect_anonymous(event, cx, &mut caller, trace);
    let key = list_key(event, caller.e164.as_deref());
    let stir = stir_verification(event, cx, caller.e164.as_deref(), trace);
    let verdict = |rule: Rule, list: Option<ListRef>, entry: Option<EntryRef>, caller: Caller| {
        let (action, sip_code, prompt) = match rule {
            Rule::Allowlist | Rule::NoMatch => (Action::Allow, None, None),
            Rule::StirShaken => (Action::Reject, None, None),
            Rule::Anonymous => (Action::Reject, Some(433), None),
            Rule::AccountBlocklist | Rule::Prefix => (Action::Reject, Some(603), None),
            Rule::UserBlocklist => (Action::Reject, Some(603), Some("user-unreachable")),
        };
        Screening {
            action,
            sip_code,
            rule,
            prompt,
            setting: None,
            list,
            entry,
            caller,
            stir_shaken: stir.clone(),
            marked_caller_name: None,
        }
    };
    // 6. The account's STIR/SHAKEN rule, once no list decided.
    let last = |caller: Caller, trace: &mut Trace| {
        let mut s = verdict(Rule::NoMatch, None, None, caller);
        apply_stir(&mut s, cx, &event.caller_name, trace);
        finish(s, trace)
    };

    // 1. Allowlist: overrides every block.
    if let Some(k) = key {
        let a = &cx.account.allowlist;
        let by_number =
            || ai.allow_numbers.get(k).and_then(|i| a.numbers.get(i as usize)).map(EntryRef::from);
        let by_prefix = || {
            ai.allow_prefixes
                .longest_prefix(k)
                .and_then(|(i, _)| a.prefixes.get(i as usize))
                .map(EntryRef::from)
        };
        let hit = by_number().or_else(by_prefix);
        if let Some(entry) = hit {
            trace.push(
                "screening.allowlist",
                Outcome::Matched,
                format_args!("{k} allowed by {} of account {}", entry.written, cx.account.id),
            );
            let list = ListRef { kind: "allowlist", id: cx.account.id.clone(), name: None };
            return Some(finish(verdict(Rule::Allowlist, Some(list), Some(entry), caller), trace));
        }
        trace.push("screening.allowlist", Outcome::NotMatched, format_args!("{k} not on the allowlist"));
    }

    // 2. Anonymous rejection: the account setting (else the system's), or any active list's switch.
    if caller.anonymous {
        let setting = match cx.account.block_anonymous_caller_id {
            Some(true) => Some("account.block_anonymous_caller_id"),
            Some(false) => None,
            None => cx.policy.system.block_anonymous_caller_id.then_some("system.block_anonymous_caller_id"),
        };
        let list = ai.active.iter().filter_map(|&i| cx.policy.blocklists.get(i)).find(|b| b.block_anonymous);
        let by = match (setting, list) {
            (Some(s), _) => Some((s.to_owned(), None)),
            (None, Some(b)) => Some((
                format!("blocklist {} ({}) block_anonymous", b.id, b.name),
                Some(ListRef { kind: "blocklist", id: b.id.clone(), name: Some(b.name.clone()) }),
            )),
            (None, None) => None,
        };
        if let Some((by, list_ref)) = by {
            trace.push(
                "screening.anonymous_rejection",
                Outcome::Matched,
                format_args!("anonymous call rejected by {by}"),
            );
            let mut s = verdict(Rule::Anonymous, list_ref, None, caller);
            s.setting = setting;
            return Some(finish(s, trace));
        }
        trace.push(
            "screening.anonymous_rejection",
            Outcome::NotMatched,
            "anonymous calls are not rejected for this account",
        );
    }

    let Some(k) = key else {
        for rule in ["screening.blocklist", "screening.prefix", "screening.user_blocklist"] {
            trace.push(rule, Outcome::Skipped, "no phone number to look up");
        }
        return Some(last(caller, trace));
    };

    // 3. Account blocklists, exact number, in the account's order.
    let active =
        || ai.active.iter().filter_map(|&i| Some((cx.policy.blocklists.get(i)?, cx.index.lists.get(i)?)));
    for (list, idx) in active() {
        if let Some(entry) = idx.numbers.get(k).and_then(|i| list.numbers.get(i as usize)) {
            trace.push(
                "screening.blocklist",
                Outcome::Matched,
                format_args!("{k} is on blocklist {} ({}) as {}", list.id, list.name, entry.number),
            );
            let list_ref = ListRef { kind: "blocklist", id: list.id.clone(), name: Some(list.name.clone()) };
            return Some(finish(
                verdict(Rule::AccountBlocklist, Some(list_ref), Some(entry.into()), caller),
                trace,
            ));
        }
    }
    trace.push(
        "screening.blocklist",
        Outcome::NotMatched,
        format_args!("{k} is on no active blocklist ({} active)", ai.active.len()),
    );

    // 4. Prefix rules of the active lists: the longest prefix wins, then the earlier list.
    let best = active()
        .filter_map(|(list, idx)| {
            let (i, len) = idx.prefixes.longest_prefix(k)?;
            Some((len, list, list.prefixes.get(i as usize)?))
        })
        .fold(None, |best: Option<(usize, _, _)>, cur| match best {
            Some(b) if b.0 >= cur.0 => Some(b),
            _ => Some(cur),
        });
    if let Some((_, list, entry)) = best {
        trace.push(
            "screening.prefix",
            Outcome::Matched,
            format_args!("{k} starts with {} of blocklist {} ({})", entry.e164_prefix, list.id, list.name),
        );
        let list_ref = ListRef { kind: "blocklist", id: list.id.clone(), name: Some(list.name.clone()) };
        return Some(finish(verdict(Rule::Prefix, Some(list_ref), Some(entry.into()), caller), trace));
    }
    trace.push("screening.prefix", Outcome::NotMatched, format_args!("{k} matches no prefix rule"));

    // 5. The destination user's blocklist (external calls to that user only).
    match cx.user {
        Some(user) => {
            let hit = ai
                .users
                .get(&user.id)
                .and_then(|(_, t)| t.get(k))
                .and_then(|i| user.blocklist.get(i as usize));
            if let Some(entry) = hit {
                trace.push(
                    "screening.user_blocklist",
                    Outcome::Matched,
                    format_args!("{k} is on the blocklist of user {}", user.id),
                );
                let list_ref = ListRef { kind: "user_blocklist", id: user.id.clone(), name: None };
                return Some(finish(
                    verdict(Rule::UserBlocklist, Some(list_ref), Some(entry.into()), caller),
                    trace,
                ));
            }
            trace.push(
                "screening.user_blocklist",
                Outcome::NotMatched,
                format_args!("{k} is not on the blocklist of user {}", user.id),
            );
        }
        None => {
            trace.push("screening.user_blocklist", Outcome::Skipped, "the call is not destined to a user")
        }
    }
    Some(last(caller, trace))
}

/// Verifies the call's STIR/SHAKEN inputs when it carries any or the account has rules on them.
fn stir_verification(
    event: &CallEvent,
    cx: &Context<'_>,
    caller_e164: Option<&str>,
    trace: &mut Trace,
) -> Option<Verification> {
    if event.identity.is_none() && event.verstat.is_none() && cx.account.stir_shaken.is_none() {
        return None;
    }
    let inputs = Inputs {
        identity: event.identity.as_deref(),
        verstat: event.verstat.as_deref(),
        certificate_chain: &event.certificate_chain,
        certificate_error: event.certificate_error.as_deref(),
        now: event.now,
    };
    Some(verify(&inputs, &cx.policy.system.stir_shaken, caller_e164, trace))
}

/// Applies the account's rule for the verification outcome: reject with its code, or mark the caller name.
fn apply_stir(s: &mut Screening, cx: &Context<'_>, caller_name: &str, trace: &mut Trace) {
    let Some(v) = &s.stir_shaken else { return };
    let action = cx.account.stir_shaken.as_ref().map(|r| r.action(v.outcome)).unwrap_or(&StirAction::Allow);
    let rule = "screening.stir_shaken_rule";
    match action {
        StirAction::Allow => trace.push(rule, Outcome::NotMatched, format_args!("{}: allow", v.outcome)),
        StirAction::Reject(code) => {
            trace.push(rule, Outcome::Matched, format_args!("{}: reject {code}", v.outcome));
            s.rule = Rule::StirShaken;
            s.action = Action::Reject;
            s.sip_code = Some(*code);
        }
        StirAction::Mark(mark) => {
            let marked = format!("{mark}{caller_name}").trim_end().to_owned();
            trace.push(rule, Outcome::Applied, format_args!("{}: caller name marked {marked:?}", v.outcome));
            s.marked_caller_name = Some(marked);
        }
    }
}

fn finish(s: Screening, trace: &mut Trace) -> Screening {
    let rule = s.rule;
    match (s.action, s.sip_code) {
        (Action::Reject, Some(code)) => {
            trace.push("screening.verdict", Outcome::Rejected, format_args!("reject {code} ({rule})"))
        }
        (Action::Reject, None) => {
            trace.push("screening.verdict", Outcome::Rejected, format_args!("reject ({rule})"))
        }
        (Action::Allow, _) => {
            trace.push("screening.verdict", Outcome::Allowed, format_args!("allow ({rule})"))
        }
    }
    s
}

/// Rewrites (first matching `in_callerid` rule) and normalises the caller number with the account's
/// country; when the caller number is not a phone number, falls back to the identity headers
/// (`P-Asserted-Identity`, `P-Preferred-Identity`, `Remote-Party-ID`) — only those of a trusted source.
/// The key a caller is looked up by in the lists: its E.164 number or, for a zero caller number, the zero entry
/// (`0000000000`) an account blocklist may hold (seed 001). One rule for the compiled index and for rows.
pub(crate) fn list_key(event: &CallEvent, e164: Option<&str>) -> Option<E164> {
    e164.and_then(E164::parse).or_else(|| {
        let raw = event.caller_number.trim();
        (e164.is_none() && is_zero_number(raw)).then_some(E164::ZERO)
    })
}

pub(crate) fn read_caller(
    event: &CallEvent,
    account: &Account,
    trust: &SourceTrust,
    trace: &mut Trace,
) -> Caller {
    let identities = asserted_identities(event, trust, trace);
    let candidates = std::iter::once(("caller_number", event.caller_number.as_str())).chain(identities);
    let mut tried = false;
    for (source, raw) in candidates {
        let raw = raw.trim();
        if raw.is_empty() || is_zero_number(raw) {
            continue;
        }
        tried = true;
        let (rewritten, number) = match rewrite(&account.in_callerid, raw) {
            Some((i, out)) => {
                let rule = account.in_callerid.get(i).map(|r| r.pattern_source.as_str()).unwrap_or("");
                trace.push(
                    "screening.in_callerid",
                    Outcome::Applied,
                    format_args!("rule {i} ({rule}) rewrote {source} {raw} -> {out}"),
                );
                (Some(out.clone()), Cow::Owned(out))
            }
            None => {
                if !account.in_callerid.is_empty() {
                    trace.push(
                        "screening.in_callerid",
                        Outcome::NotMatched,
                        format_args!("no rule matches {source} {raw}"),
                    );
                }
                (None, Cow::Borrowed(raw))
            }
        };
        match &*event.numbers.normalize(&number, &account.country) {
            Ok(n) if E164::parse(&n.e164).is_some() => {
                trace.push(
                    "screening.normalize",
                    Outcome::Set,
                    format_args!("{source} {number} read in {} as {}", account.country, n.e164),
                );
                return Caller {
                    number: raw.to_owned(),
                    source: Some(source),
                    rewritten,
                    e164: Some(n.e164.clone()),
                    ..Caller::default()
                };
            }
            Ok(n) => trace.push(
                "screening.normalize",
                Outcome::NotMatched,
                format_args!("{source} {number}: {} is too long", n.e164),
            ),
            Err(e) => trace.push(
                "screening.normalize",
                Outcome::NotMatched,
                format_args!("{source} {number:?}: {}", e.message),
            ),
        }
    }
    if !tried {
        trace.push("screening.normalize", Outcome::NotMatched, "no caller number");
    }
    Caller { number: event.caller_number.clone(), ..Caller::default() }
}

/// Kazoo's anonymity test: privacy requested, an empty or all-zero number, and (when switched on) a
/// case-insensitive exact match in `anonymous_cid_names` / `anonymous_cid_numbers`.
fn detect_anonymous(event: &CallEvent, cx: &Context<'_>, caller: &mut Caller, trace: &mut Trace) {
    let sys = &cx.policy.system;
    let mut why = Vec::new();
    if cx.requested.any() {
        let sources: Vec<String> =
            cx.requested.sources.iter().map(|s| format!("{} {}", s.source, s.value)).collect();
        why.push(format!("privacy requested ({})", sources.join(", ")));
    }
    let number = event.caller_number.trim();
    if number.is_empty() {
        why.push("empty caller number".to_owned());
    } else if is_zero_number(number) {
        why.push(format!("zero caller number {number} (^\\+?00+$)"));
    }
    if sys.check_additional_anonymous_cid_numbers
        && sys.anonymous_cid_numbers.iter().any(|n| n.eq_ignore_ascii_case(number))
    {
        why.push(format!("caller number {number:?} is in anonymous_cid_numbers"));
    }
    let name = event.caller_name.trim();
    // Unicode lower-casing for the rare non-ASCII name; for ASCII it is the ASCII one (no allocation).
    let same = |n: &str| match n.is_ascii() && name.is_ascii() {
        true => n.eq_ignore_ascii_case(name),
        false => n.to_lowercase() == name.to_lowercase(),
    };
    if sys.check_additional_anonymous_cid_names && sys.anonymous_cid_names.iter().any(|n| same(n)) {
        why.push(format!("caller name {name:?} is in anonymous_cid_names"));
    }
    if why.is_empty() {
        trace.push("screening.anonymous", Outcome::NotMatched, "caller ID present and not anonymous");
    } else if trace.recording() {
        trace.push("screening.anonymous", Outcome::Matched, why.join("; "));
    }
    caller.anonymous = !why.is_empty();
    caller.anonymous_because = why;
}
