//! Build-time compiler for libphonenumber's metadata patterns.
//!
//! The metadata regexes use a tiny subset of Java regex over ASCII digits: digits, `\d`, classes (`[2-9]`,
//! `[^0]`), groups (`(?:…)`, capturing `(…)`), alternation, and the quantifiers `?`, `*`, `+`, `{n}`, `{n,}`,
//! `{n,m}` (greedy). This module parses that subset into an [`Ast`] and compiles boolean patterns into one shared,
//! globally minimised DFA over the ten digits, so the runtime walks a table instead of compiling regexes. It is
//! used by the build script `build/main.rs` (included with `#[path]`) and by the phone unit tests; nothing here
//! runs in the shipped core.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};

/// A parsed pattern. Character classes are sets of digits (bit `d` set = digit `d` matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ast {
    Class(u16),
    Seq(Vec<Ast>),
    Alt(Vec<Ast>),
    /// Greedy repetition: `min` to `max` (`None` = unbounded) times.
    Repeat(Box<Ast>, u32, Option<u32>),
    /// A group; `Some(i)` for the i-th capturing group (1-based), `None` for `(?:…)`.
    Group(Option<u32>, Box<Ast>),
    /// `$`: end of input (only in capture patterns such as NANPA national prefixes for parsing).
    End,
}

/// All ten digits.
pub const ANY_DIGIT: u16 = 0x3ff;

/// Parses `pattern` (whitespace is ignored, as the metadata is read with `COMMENTS`-like whitespace stripping).
pub fn parse(pattern: &str) -> Result<(Ast, u32), String> {
    let chars: Vec<char> = pattern.chars().filter(|c| !c.is_whitespace()).collect();
    let mut p = Parser { s: &chars, i: 0, groups: 0 };
    let ast = p.alt()?;
    if p.i != chars.len() {
        return Err(format!("unexpected {:?} at {} in {pattern:?}", chars.get(p.i), p.i));
    }
    Ok((ast, p.groups))
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    groups: u32,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn alt(&mut self) -> Result<Ast, String> {
        let mut alts = vec![self.seq()?];
        while self.eat('|') {
            alts.push(self.seq()?);
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap_or(Ast::Seq(vec![])) } else { Ast::Alt(alts) })
    }

    fn seq(&mut self) -> Result<Ast, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(if items.len() == 1 { items.pop().unwrap_or(Ast::Seq(vec![])) } else { Ast::Seq(items) })
    }

    fn number(&mut self) -> Result<u32, String> {
        let start = self.i;
        while matches!(self.peek(), Some('0'..='9')) {
            self.i += 1;
        }
        self.s[start..self.i].iter().collect::<String>().parse().map_err(|e| format!("bad count: {e}"))
    }

    fn quantified(&mut self, atom: Ast) -> Result<Ast, String> {
        let mut atom = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('?') => (0, Some(1)),
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('{') => {
                    self.i += 1;
                    let min = self.number()?;
                    let max = if self.eat(',') {
                        if self.peek() == Some('}') {
                            None
                        } else {
                            Some(self.number()?)
                        }
                    } else {
                        Some(min)
                    };
                    if self.peek() != Some('}') {
                        return Err("unclosed {".into());
                    }
                    (min, max)
                }
                _ => return Ok(atom),
            };
            self.i += 1;
            if matches!(self.peek(), Some('?') | Some('+')) {
                return Err("lazy or possessive quantifiers are not supported".into());
            }
            atom = Ast::Repeat(Box::new(atom), min, max);
        }
    }

    fn atom(&mut self) -> Result<Ast, String> {
        let c = self.peek().ok_or("unexpected end")?;
        self.i += 1;
        match c {
            '0'..='9' => Ok(Ast::Class(1 << (c as u32 - '0' as u32))),
            '\\' => match self.peek() {
                Some('d') => {
                    self.i += 1;
                    Ok(Ast::Class(ANY_DIGIT))
                }
                other => Err(format!("unsupported escape \\{other:?}")),
            },
            '(' => {
                let cap = if self.eat('?') {
                    if !self.eat(':') {
                        return Err("only (?:…) groups are supported".into());
                    }
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups)
                };
                let inner = self.alt()?;
                if !self.eat(')') {
                    return Err("unclosed (".into());
                }
                Ok(Ast::Group(cap, Box::new(inner)))
            }
            '[' => self.class(),
            '$' => Ok(Ast::End),
            other => Err(format!("unsupported character {other:?}")),
        }
    }

    fn class(&mut self) -> Result<Ast, String> {
        let negate = self.eat('^');
        let mut set = 0u16;
        loop {
            let c = self.peek().ok_or("unclosed [")?;
            self.i += 1;
            match c {
                ']' => break,
                '\\' if self.eat('d') => set |= ANY_DIGIT,
                '0'..='9' => {
                    let lo = c as u32 - '0' as u32;
                    let hi = if self.peek() == Some('-') && matches!(self.s.get(self.i + 1), Some('0'..='9'))
                    {
                        self.i += 1;
                        let h = self.peek().map_or(0, |h| h as u32 - '0' as u32);
                        self.i += 1;
                        h
                    } else {
                        lo
                    };
                    for d in lo..=hi {
                        set |= 1 << d;
                    }
                }
                other => return Err(format!("unsupported class member {other:?}")),
            }
        }
        Ok(Ast::Class(if negate { !set & ANY_DIGIT } else { set }))
    }
}

/// A Thompson NFA over digits.
#[derive(Default)]
struct Nfa {
    eps: Vec<Vec<usize>>,
    edges: Vec<Vec<(u16, usize)>>,
}

impl Nfa {
    fn state(&mut self) -> usize {
        self.eps.push(Vec::new());
        self.edges.push(Vec::new());
        self.eps.len() - 1
    }

    /// Adds `ast` between fresh start and end states and returns them.
    fn build(&mut self, ast: &Ast) -> (usize, usize) {
        match ast {
            Ast::Class(set) => {
                let (s, e) = (self.state(), self.state());
                self.edges[s].push((*set, e));
                (s, e)
            }
            Ast::Seq(items) => {
                let s = self.state();
                let mut cur = s;
                for item in items {
                    let (is, ie) = self.build(item);
                    self.eps[cur].push(is);
                    cur = ie;
                }
                (s, cur)
            }
            Ast::Alt(alts) => {
                let (s, e) = (self.state(), self.state());
                for a in alts {
                    let (is, ie) = self.build(a);
                    self.eps[s].push(is);
                    self.eps[ie].push(e);
                }
                (s, e)
            }
            Ast::Group(_, inner) => self.build(inner),
            Ast::End => panic!("`$` is not supported in boolean (DFA) patterns"),
            Ast::Repeat(inner, min, max) => {
                let s = self.state();
                let mut cur = s;
                for _ in 0..*min {
                    let (is, ie) = self.build(inner);
                    self.eps[cur].push(is);
                    cur = ie;
                }
                match max {
                    None => {
                        let (is, ie) = self.build(inner);
                        self.eps[cur].push(is);
                        self.eps[ie].push(is);
                        let e = self.state();
                        self.eps[cur].push(e);
                        self.eps[ie].push(e);
                        (s, e)
                    }
                    Some(max) => {
                        let e = self.state();
                        for _ in *min..*max {
                            let (is, ie) = self.build(inner);
                            self.eps[cur].push(is);
                            self.eps[cur].push(e);
                            cur = ie;
                        }
                        self.eps[cur].push(e);
                        (s, e)
                    }
                }
            }
        }
    }

    fn closure(&self, set: &mut Vec<usize>) {
        let mut stack = set.clone();
        while let Some(s) = stack.pop() {
            for &t in &self.eps[s] {
                if !set.contains(&t) {
                    set.push(t);
                    stack.push(t);
                }
            }
        }
        set.sort_unstable();
        set.dedup();
    }
}

/// Many DFAs sharing one state table. State 0 is the dead state (rejects everything).
#[derive(Debug, Clone, Default)]
pub struct DfaSet {
    /// `next[s * 10 + d]`: the state after reading digit `d` in state `s`.
    pub next: Vec<u32>,
    pub accept: Vec<bool>,
    /// Start state of each pattern added, in order.
    pub starts: Vec<u32>,
}

impl DfaSet {
    /// A set holding only the dead state.
    pub fn new() -> Self {
        DfaSet { next: vec![0; 10], accept: vec![false], starts: Vec::new() }
    }

    /// Adds the DFA of `ast` (subset construction) and returns its index in `starts`.
    pub fn add(&mut self, ast: &Ast) -> usize {
        let mut nfa = Nfa::default();
        let (s, e) = nfa.build(ast);
        let mut start = vec![s];
        nfa.closure(&mut start);
        let mut ids: HashMap<Vec<usize>, u32> = HashMap::new();
        let mut queue = vec![start.clone()];
        let first = self.accept.len() as u32;
        ids.insert(start, first);
        self.accept.push(false);
        self.next.extend([0; 10]);
        while let Some(set) = queue.pop() {
            let id = ids[&set] as usize;
            self.accept[id] = set.contains(&e);
            for d in 0..10u16 {
                let mut to: Vec<usize> = set
                    .iter()
                    .flat_map(|&st| nfa.edges[st].iter())
                    .filter(|(m, _)| m & (1 << d) != 0)
                    .map(|&(_, t)| t)
                    .collect();
                if to.is_empty() {
                    continue;
                }
                nfa.closure(&mut to);
                let tid = match ids.get(&to) {
                    Some(&t) => t,
                    None => {
                        let t = self.accept.len() as u32;
                        self.accept.push(false);
                        self.next.extend([0; 10]);
                        ids.insert(to.clone(), t);
                        queue.push(to);
                        t
                    }
                };
                self.next[id * 10 + d as usize] = tid;
            }
        }
        self.starts.push(first);
        self.starts.len() - 1
    }

    /// Merges equivalent states across all patterns (Moore partition refinement), so common tails such as
    /// `\d{7}` are stored once.
    pub fn minimise(&mut self) {
        let n = self.accept.len();
        // State 0 (dead) is visited first, so its class stays 0.
        let mut class: Vec<u32> = (0..n)
            .map(|s| {
                if s == 0 {
                    0
                } else if self.accept[s] {
                    2
                } else {
                    1
                }
            })
            .collect();
        let mut count = {
            let mut seen = class.clone();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        };
        loop {
            let mut sig: BTreeMap<(u32, [u32; 10]), u32> = BTreeMap::new();
            let mut next_class = vec![0u32; n];
            for s in 0..n {
                let mut t = [0u32; 10];
                for (d, slot) in t.iter_mut().enumerate() {
                    *slot = class[self.next[s * 10 + d] as usize];
                }
                let len = sig.len() as u32;
                next_class[s] = *sig.entry((class[s], t)).or_insert(len);
            }
            class = next_class;
            if sig.len() == count {
                break;
            }
            count = sig.len();
        }
        let m = class.iter().copied().max().map_or(0, |x| x as usize + 1);
        let mut next = vec![0u32; m * 10];
        let mut accept = vec![false; m];
        for s in 0..n {
            let c = class[s] as usize;
            accept[c] = self.accept[s];
            for d in 0..10 {
                next[c * 10 + d] = class[self.next[s * 10 + d] as usize];
            }
        }
        self.starts = self.starts.iter().map(|&s| class[s as usize]).collect();
        self.next = next;
        self.accept = accept;
    }

    /// Whether pattern `i` matches all of `digits` (ASCII digits only).
    pub fn full_match(&self, i: usize, digits: &str) -> bool {
        let mut s = self.starts[i] as usize;
        for b in digits.bytes() {
            s = self.next[s * 10 + (b - b'0') as usize] as usize;
        }
        self.accept[s]
    }
}

/// Capture spans (start, end) by group; index 0 is the whole match.
pub type Spans = Vec<Option<(usize, usize)>>;

/// Reference backtracking matcher with Java semantics (leftmost-first alternation, greedy quantifiers),
/// anchored at the start like `Matcher.lookingAt`: returns the match end and the capture spans. Used by the
/// tests to check the runtime matcher and the DFA against each other.
pub fn looking_at(ast: &Ast, s: &[u8]) -> Option<(usize, Spans)> {
    fn m(
        a: &Ast,
        s: &[u8],
        i: usize,
        caps: &mut Spans,
        k: &mut dyn FnMut(usize, &mut Spans) -> bool,
    ) -> bool {
        match a {
            Ast::Class(set) => match s.get(i) {
                Some(&b) if b.is_ascii_digit() && set & (1 << (b - b'0')) != 0 => k(i + 1, caps),
                _ => false,
            },
            Ast::Seq(items) => seq(items, s, i, caps, k),
            Ast::End => i == s.len() && k(i, caps),
            Ast::Alt(alts) => alts.iter().any(|x| m(x, s, i, caps, k)),
            Ast::Group(None, inner) => m(inner, s, i, caps, k),
            Ast::Group(Some(g), inner) => {
                let g = *g as usize;
                m(inner, s, i, caps, &mut |j, caps: &mut Vec<Option<(usize, usize)>>| {
                    let old = caps[g];
                    caps[g] = Some((i, j));
                    if k(j, caps) {
                        return true;
                    }
                    caps[g] = old;
                    false
                })
            }
            Ast::Repeat(inner, min, max) => rep(inner, *min, *max, 0, s, i, caps, k),
        }
    }
    fn seq(
        items: &[Ast],
        s: &[u8],
        i: usize,
        caps: &mut Spans,
        k: &mut dyn FnMut(usize, &mut Spans) -> bool,
    ) -> bool {
        match items.split_first() {
            None => k(i, caps),
            Some((first, rest)) => m(first, s, i, caps, &mut |j, caps: &mut Vec<_>| seq(rest, s, j, caps, k)),
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn rep(
        inner: &Ast,
        min: u32,
        max: Option<u32>,
        count: u32,
        s: &[u8],
        i: usize,
        caps: &mut Spans,
        k: &mut dyn FnMut(usize, &mut Spans) -> bool,
    ) -> bool {
        if max.is_none_or(|mx| count < mx)
            && m(inner, s, i, caps, &mut |j, caps: &mut Vec<_>| {
                j != i && rep(inner, min, max, count + 1, s, j, caps, k)
            })
        {
            return true;
        }
        count >= min && k(i, caps)
    }
    let groups = count_groups(ast);
    let mut caps = vec![None; groups as usize + 1];
    let mut end = None;
    let mut found = Vec::new();
    if m(ast, s, 0, &mut caps, &mut |j, caps: &mut Vec<_>| {
        end = Some(j);
        found = caps.clone();
        true
    }) {
        found[0] = end.map(|e| (0, e));
        end.map(|e| (e, found))
    } else {
        None
    }
}

/// The number of capturing groups in `ast`.
pub fn count_groups(ast: &Ast) -> u32 {
    match ast {
        Ast::Class(_) | Ast::End => 0,
        Ast::Seq(v) | Ast::Alt(v) => v.iter().map(count_groups).sum(),
        Ast::Repeat(inner, _, _) => count_groups(inner),
        Ast::Group(g, inner) => u32::from(g.is_some()) + count_groups(inner),
    }
}
