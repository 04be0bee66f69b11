//! The two run-time matchers over the generated metadata: a table walk for boolean patterns, and a tiny
//! backtracking matcher (Java semantics: leftmost-first alternation, greedy quantifiers, `lookingAt`) for the
//! few patterns whose match end or capture groups matter.

use super::metadata::{DFA_ACCEPT, DFA_NEXT};

/// A compiled pattern node; the trees are generated as statics by the build script (`build/main.rs`).
#[derive(Debug)]
pub enum Node {
    /// One digit from a set (bit `d` = digit `d`).
    Class(u16),
    Seq(&'static [Node]),
    /// Alternatives, tried in order.
    Alt(&'static [Node]),
    /// Greedy repetition `min..=max` (`max` 255 = unbounded).
    Repeat(&'static Node, u8, u8),
    /// A group: capture index (1-based), 0 for a non-capturing group.
    Group(u8, &'static Node),
    /// `$`: end of input.
    End,
}

/// A backtracking pattern with its number of capturing groups.
#[derive(Debug)]
pub struct Pattern {
    pub root: &'static Node,
    pub groups: u8,
}

/// Capture spans (start, end) by group index; index 0 is the whole match.
pub type Captures = [Option<(u8, u8)>; 8];

/// Whether DFA state `start` accepts all of `digits` (ASCII digits; anything else rejects).
#[inline]
pub fn full_match(start: u16, digits: &[u8]) -> bool {
    let mut s = start as usize;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return false;
        }
        s = DFA_NEXT.get(s * 10 + d as usize).copied().unwrap_or(0) as usize;
        if s == 0 {
            return false;
        }
    }
    accepting(s)
}

/// Whether some prefix of `digits` (possibly empty) is accepted from DFA state `start` (`Matcher.lookingAt`).
#[inline]
pub fn prefix_match(start: u16, digits: &[u8]) -> bool {
    let mut s = start as usize;
    if accepting(s) {
        return true;
    }
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return false;
        }
        s = DFA_NEXT.get(s * 10 + d as usize).copied().unwrap_or(0) as usize;
        if s == 0 {
            return false;
        }
        if accepting(s) {
            return true;
        }
    }
    false
}

#[inline]
fn accepting(s: usize) -> bool {
    DFA_ACCEPT.get(s / 8).is_some_and(|b| b & (1 << (s % 8)) != 0)
}

type Cont<'a> = &'a mut dyn FnMut(usize, &mut Captures) -> bool;

impl Pattern {
    /// Matches at the start of `s` like Java's `Matcher.lookingAt`: the captures of the first match found
    /// (group 0 = the whole match), or `None`. Inputs longer than 255 bytes never match.
    pub fn looking_at(&self, s: &[u8]) -> Option<Captures> {
        if s.len() > 255 {
            return None;
        }
        let mut caps: Captures = [None; 8];
        let mut found: Option<Captures> = None;
        matches(self.root, s, 0, &mut caps, &mut |end, caps| {
            let mut c = *caps;
            c[0] = Some((0, end as u8));
            found = Some(c);
            true
        });
        found
    }
}

fn matches(n: &Node, s: &[u8], i: usize, caps: &mut Captures, k: Cont) -> bool {
    match n {
        Node::Class(set) => match s.get(i) {
            Some(&b) if b.is_ascii_digit() && set & (1 << (b - b'0')) != 0 => k(i + 1, caps),
            _ => false,
        },
        Node::Seq(items) => seq(items, s, i, caps, k),
        Node::End => i == s.len() && k(i, caps),
        Node::Alt(alts) => alts.iter().any(|a| matches(a, s, i, caps, k)),
        Node::Group(0, inner) => matches(inner, s, i, caps, k),
        Node::Group(g, inner) => {
            let g = *g as usize;
            matches(inner, s, i, caps, &mut |j, caps: &mut Captures| {
                let Some(slot) = caps.get_mut(g) else { return false };
                let old = slot.replace((i as u8, j as u8));
                if k(j, caps) {
                    return true;
                }
                if let Some(slot) = caps.get_mut(g) {
                    *slot = old;
                }
                false
            })
        }
        Node::Repeat(inner, min, max) => repeat(inner, *min, *max, 0, s, i, caps, k),
    }
}

fn seq(items: &[Node], s: &[u8], i: usize, caps: &mut Captures, k: Cont) -> bool {
    match items.split_first() {
        None => k(i, caps),
        Some((first, rest)) => {
            matches(first, s, i, caps, &mut |j, caps: &mut Captures| seq(rest, s, j, caps, k))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn repeat(
    inner: &Node,
    min: u8,
    max: u8,
    count: u8,
    s: &[u8],
    i: usize,
    caps: &mut Captures,
    k: Cont,
) -> bool {
    // Greedy: one more iteration first (never an empty one), then stop if the minimum is reached.
    if (max == 255 || count < max)
        && matches(inner, s, i, caps, &mut |j, caps: &mut Captures| {
            j != i && repeat(inner, min, max, count.saturating_add(1), s, j, caps, k)
        })
    {
        return true;
    }
    count >= min && k(i, caps)
}
