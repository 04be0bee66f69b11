//! Incoming caller-ID rewrite rules (Wazo `in_callerid`: a pattern, strip N leading characters, add a
//! prefix; the first matching rule wins), with Asterisk-style extension patterns instead of regular
//! expressions: small, anchored, linear-time, and familiar to PBX administrators.
//!
//! Pattern language (the whole caller number must match; a leading `_` is accepted and ignored):
//! - `X` any digit 0-9, `Z` 1-9, `N` 2-9 (lower case accepted);
//! - `[…]` one character from a set of digits and ranges, e.g. `[1-5]`, `[137-9]`;
//! - `.` one or more characters, `!` zero or more characters: only as the last item;
//! - digits, `+`, `*`, `#` match themselves.
//!
//! There is no negation: order the rules instead (a rule `+33.` with `strip: 0` placed before `+.` keeps
//! French numbers out of the second rule, as Wazo's `^\+(?!33)` does).

use crate::error::Error;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Literal(u8),
    /// Inclusive byte ranges.
    Set(Vec<(u8, u8)>),
    /// `.` (min 1) or `!` (min 0): the rest of the number.
    Rest {
        min: usize,
    },
}

/// A compiled caller-ID pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    items: Vec<Item>,
}

/// Longest pattern accepted.
pub const MAX_PATTERN: usize = 64;

impl Pattern {
    /// Compiles `source`; the error says what is wrong and where.
    pub fn parse(source: &str) -> Result<Pattern, String> {
        if source.len() > MAX_PATTERN {
            return Err(format!("longer than {MAX_PATTERN} characters"));
        }
        let body = source.strip_prefix('_').unwrap_or(source);
        if body.is_empty() {
            return Err("empty pattern".to_owned());
        }
        let bytes = body.as_bytes();
        let mut items = Vec::new();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let item = match b {
                b'X' | b'x' => Item::Set(vec![(b'0', b'9')]),
                b'Z' | b'z' => Item::Set(vec![(b'1', b'9')]),
                b'N' | b'n' => Item::Set(vec![(b'2', b'9')]),
                b'.' | b'!' => {
                    if i + 1 != bytes.len() {
                        return Err(format!("{:?} must be the last character (at {})", b as char, i + 1));
                    }
                    Item::Rest { min: usize::from(b == b'.') }
                }
                b'[' => {
                    let close = bytes
                        .get(i..)
                        .and_then(|s| s.iter().position(|&c| c == b']'))
                        .ok_or_else(|| format!("unclosed '[' at {}", i + 1))?;
                    let set = bytes.get(i + 1..i + close).unwrap_or(&[]);
                    let item = parse_set(set).map_err(|m| format!("{m} in the set at {}", i + 1))?;
                    i += close;
                    item
                }
                b'0'..=b'9' | b'+' | b'*' | b'#' => Item::Literal(b),
                other => {
                    return Err(format!(
                        "unexpected {:?} at {}: use digits, + * #, X Z N, [set], and a final . or !",
                        other as char,
                        i + 1
                    ))
                }
            };
            items.push(item);
            i += 1;
        }
        Ok(Pattern { items })
    }

    /// Whether the whole of `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        let s = s.as_bytes();
        for (pos, item) in self.items.iter().enumerate() {
            match item {
                Item::Rest { min } => return s.len().saturating_sub(pos) >= *min,
                Item::Literal(b) => {
                    if s.get(pos) != Some(b) {
                        return false;
                    }
                }
                Item::Set(ranges) => match s.get(pos) {
                    Some(c) if ranges.iter().any(|(lo, hi)| (lo..=hi).contains(&c)) => {}
                    _ => return false,
                },
            }
        }
        s.len() == self.items.len()
    }
}

fn parse_set(set: &[u8]) -> Result<Item, String> {
    if set.is_empty() {
        return Err("empty set".to_owned());
    }
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(&lo) = set.get(i) {
        if !lo.is_ascii_digit() {
            return Err(format!("{:?} is not a digit", lo as char));
        }
        if set.get(i + 1) == Some(&b'-') {
            let hi = *set.get(i + 2).ok_or("unfinished range")?;
            if !hi.is_ascii_digit() || hi < lo {
                return Err(format!("bad range {}-{}", lo as char, hi as char));
            }
            ranges.push((lo, hi));
            i += 3;
        } else {
            ranges.push((lo, lo));
            i += 1;
        }
    }
    Ok(Item::Set(ranges))
}

/// One rewrite rule: when `match` matches the caller number, strip `strip` leading characters and prepend
/// `add`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallerIdRule {
    /// The pattern as written.
    #[serde(rename = "match")]
    pub pattern_source: String,
    pub strip: usize,
    pub add: String,
    #[serde(skip)]
    pub pattern: Pattern,
}

/// The longest `add` prefix accepted, and the most characters `strip` may remove.
pub const MAX_ADD: usize = 16;
pub const MAX_STRIP: u64 = 32;

impl CallerIdRule {
    /// Builds a rule, checking the pattern and the prefix (`field` paths are relative to the rule).
    pub fn new(pattern: &str, strip: usize, add: &str) -> Result<CallerIdRule, Error> {
        let compiled = Pattern::parse(pattern).map_err(|m| Error::new("match", "invalid_pattern", m))?;
        if add.len() > MAX_ADD || !add.bytes().all(|b| b.is_ascii_digit() || b"+*#".contains(&b)) {
            return Err(Error::new(
                "add",
                "invalid_value",
                format!("{add:?}: expected at most {MAX_ADD} of digits and + * #"),
            ));
        }
        Ok(CallerIdRule { pattern_source: pattern.to_owned(), strip, add: add.to_owned(), pattern: compiled })
    }

    /// The rewritten number.
    pub fn apply(&self, number: &str) -> String {
        let kept: String = number.chars().skip(self.strip).collect();
        format!("{}{kept}", self.add)
    }
}

/// Applies the first matching rule; returns its index and the rewritten number, or `None` when no rule
/// matches.
pub fn rewrite(rules: &[CallerIdRule], number: &str) -> Option<(usize, String)> {
    rules.iter().enumerate().find(|(_, r)| r.pattern.matches(number)).map(|(i, r)| (i, r.apply(number)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Pattern::parse(p).unwrap().matches(s)
    }

    #[test]
    fn patterns_match_whole_numbers() {
        assert!(m("_0XXXXXXXXX", "0639981234"));
        assert!(!m("_0XXXXXXXXX", "06399812345"));
        assert!(!m("_0XXXXXXXXX", "063998123"));
        assert!(m("0[67]XXXXXXXX", "0739981234"));
        assert!(!m("0[67]XXXXXXXX", "0539981234"));
        assert!(m("+33.", "+33639981234"));
        assert!(!m("+33.", "+33"));
        assert!(m("+33!", "+33"));
        assert!(m("NXXNXXXXXX", "4155550100"));
        assert!(!m("NXXNXXXXXX", "1155550100"));
        assert!(m("z[1-35]x", "131"));
        assert!(!m("z[1-35]x", "141"));
        assert!(m("*67.", "*67112"));
        assert!(!m("X", ""));
    }

    #[test]
    fn bad_patterns_say_why() {
        for (p, why) in [
            ("", "empty"),
            ("_", "empty"),
            ("0.X", "last"),
            ("0[12", "unclosed"),
            ("0[]", "empty set"),
            ("0[5-1]", "bad range"),
            ("0[a]", "not a digit"),
            ("0A", "unexpected 'A'"),
            ("^0", "unexpected '^'"),
        ] {
            let err = Pattern::parse(p).unwrap_err();
            assert!(err.contains(why), "{p:?}: {err}");
        }
        assert!(Pattern::parse(&"X".repeat(65)).is_err());
    }

    #[test]
    fn first_matching_rule_rewrites() {
        let rules = vec![
            CallerIdRule::new("+33.", 0, "").unwrap(),
            CallerIdRule::new("+XXXX!", 1, "00").unwrap(),
            CallerIdRule::new("XXXXXXXXX", 0, "0").unwrap(),
        ];
        assert_eq!(rewrite(&rules, "+33639981234"), Some((0, "+33639981234".to_owned())));
        assert_eq!(rewrite(&rules, "+14155550100"), Some((1, "0014155550100".to_owned())));
        assert_eq!(rewrite(&rules, "639981234"), Some((2, "0639981234".to_owned())));
        assert_eq!(rewrite(&rules, "12"), None);
        assert_eq!(CallerIdRule::new("X.", 40, "").unwrap().apply("123"), "");
        assert_eq!(CallerIdRule::new("X.", 0, "9a").unwrap_err().field, "add");
    }
}
