//! Generates the compact phone-number metadata the core ships (`$OUT_DIR/phone_meta.rs`).
//!
//! Source: libphonenumber's metadata as the `phonenumber` crate embeds it (a build-dependency only). Every
//! boolean pattern (national-number patterns per type, leading digits) becomes a start state in one shared,
//! minimised DFA over the digits; the patterns that need captures or a match end (international prefix,
//! national prefix for parsing) become static node trees for a tiny backtracking matcher. Nothing is decoded or
//! compiled at run time.

#[path = "pattern.rs"]
mod pattern;

use pattern::{Ast, DfaSet};
use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Interns boolean patterns into the shared DFA.
struct Dfas {
    set: DfaSet,
    by_pattern: HashMap<String, usize>,
    /// (pattern, index in `set.starts`), for the test-only source table.
    sources: Vec<(String, usize)>,
}

impl Dfas {
    fn add(&mut self, pattern: &str) -> usize {
        let clean: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(&i) = self.by_pattern.get(&clean) {
            return i;
        }
        let (ast, _) = pattern::parse(&clean).unwrap_or_else(|e| panic!("pattern {clean:?}: {e}"));
        let i = self.set.add(&ast);
        self.by_pattern.insert(clean.clone(), i);
        self.sources.push((clean, i));
        i
    }
}

fn lengths_mask(lengths: &[u16]) -> u32 {
    lengths.iter().filter(|&&l| l < 32).fold(0, |m, &l| m | 1 << l)
}

/// Rust source for a node tree (see `src/phone/matcher.rs`).
fn node_src(ast: &Ast) -> String {
    match ast {
        Ast::Class(set) => format!("N::Class({set})"),
        Ast::End => "N::End".to_owned(),
        Ast::Seq(items) => format!("N::Seq(&[{}])", items.iter().map(node_src).collect::<Vec<_>>().join(",")),
        Ast::Alt(items) => format!("N::Alt(&[{}])", items.iter().map(node_src).collect::<Vec<_>>().join(",")),
        Ast::Repeat(inner, min, max) => {
            let max = max.map_or(255, |m| m.min(254));
            format!("N::Repeat(&{},{min},{max})", node_src(inner))
        }
        Ast::Group(cap, inner) => format!("N::Group({},&{})", cap.unwrap_or(0), node_src(inner)),
    }
}

fn capture_pattern(pattern: &str) -> String {
    let (ast, groups) = pattern::parse(pattern).unwrap_or_else(|e| panic!("pattern {pattern:?}: {e}"));
    assert!(groups < 8, "too many groups in {pattern:?}");
    format!("Some(Pattern {{ root: &{}, groups: {groups} }})", node_src(&ast))
}

fn desc(dfas: &mut Dfas, d: Option<&Descriptor>) -> Option<(usize, u32, u32)> {
    d.map(|d| {
        (
            dfas.add(d.national_number().as_str()),
            lengths_mask(d.possible_length()),
            lengths_mask(d.possible_local_length()),
        )
    })
}

fn main() {
    println!("cargo:rerun-if-changed=build/main.rs");
    println!("cargo:rerun-if-changed=build/pattern.rs");
    let mut dfas = Dfas { set: DfaSet::new(), by_pattern: HashMap::new(), sources: Vec::new() };

    // Every metadata entry, keyed by calling code; non-geographic entities (`001`) only appear under their code.
    let mut by_code: BTreeMap<u16, Vec<&Metadata>> = BTreeMap::new();
    for cc in 1..1000u16 {
        if let Some(list) = DATABASE.by_code(&cc) {
            let mut list = list;
            // libphonenumber's order: the main country first, then the others by region code.
            list.sort_by(|a, b| {
                b.is_main_country_for_code().cmp(&a.is_main_country_for_code()).then(a.id().cmp(b.id()))
            });
            by_code.insert(cc, list);
        }
    }

    struct Row {
        id: String,
        cc: u16,
        intl: String,
        npfp: String,
        intl_src: String,
        npfp_src: String,
        transform: String,
        leading: Option<usize>,
        general: (usize, u32, u32),
        types: Vec<Option<(usize, u32, u32)>>,
        same_mobile_fixed: bool,
    }
    let mut rows = Vec::new();
    let mut cc_rows: Vec<(u16, Vec<usize>)> = Vec::new();
    for (&cc, list) in &by_code {
        let mut idx = Vec::new();
        for m in list {
            let d = m.descriptors();
            // Order of libphonenumber's getNumberTypeHelper.
            let typed = [
                d.premium_rate(),
                d.toll_free(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
                d.fixed_line(),
                d.mobile(),
            ];
            // The general description's possible lengths are the union over every type but
            // noInternationalDialling (BuildMetadataFromXml.setPossibleLengthsGeneralDesc); local-only lengths
            // that are a national length of some type are dropped.
            let mut national = 0u32;
            let mut local = 0u32;
            for t in typed.iter().flatten() {
                national |= lengths_mask(t.possible_length());
                local |= lengths_mask(t.possible_local_length());
            }
            local &= !national;
            let general = (dfas.add(d.general().national_number().as_str()), national, local);
            let types: Vec<_> = typed.iter().map(|t| desc(&mut dfas, *t)).collect();
            let same_mobile_fixed = match (d.fixed_line(), d.mobile()) {
                (Some(f), Some(mo)) => {
                    let clean = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
                    clean(f.national_number().as_str()) == clean(mo.national_number().as_str())
                }
                _ => false,
            };
            let intl_src = m.international_prefix().map_or(String::new(), |r| r.as_str().to_owned());
            let intl = if intl_src.is_empty() { "None".into() } else { capture_pattern(&intl_src) };
            // A national prefix without a parsing pattern is its own parsing pattern (BuildMetadataFromXml).
            let npfp_src = match (m.national_prefix_for_parsing(), m.national_prefix()) {
                (Some(r), _) => r.as_str().to_owned(),
                (None, Some(np)) => np.to_owned(),
                _ => String::new(),
            };
            let npfp = if npfp_src.is_empty() { "None".into() } else { capture_pattern(&npfp_src) };
            let transform = match (m.national_prefix_for_parsing(), m.national_prefix_transform_rule()) {
                (Some(_), Some(t)) => format!("Some({t:?})"),
                _ => "None".into(),
            };
            let leading = m.leading_digits().map(|r| dfas.add(r.as_str()));
            idx.push(rows.len());
            rows.push(Row {
                id: m.id().to_owned(),
                cc,
                intl,
                npfp,
                intl_src,
                npfp_src,
                transform,
                leading,
                general,
                types,
                same_mobile_fixed,
            });
        }
        cc_rows.push((cc, idx));
    }

    dfas.set.minimise();
    let starts = dfas.set.starts.clone();
    let states = dfas.set.accept.len();
    assert!(states < 65536, "{states} DFA states do not fit u16");

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by build/main.rs from the phonenumber crate's libphonenumber metadata. Do not edit."
    );
    let _ = write!(out, "pub(super) static DFA_NEXT: [u16; {}] = [", dfas.set.next.len());
    for v in &dfas.set.next {
        let _ = write!(out, "{v},");
    }
    let _ = writeln!(out, "];");
    let mut bits = vec![0u8; states.div_ceil(8)];
    for (s, &a) in dfas.set.accept.iter().enumerate() {
        if a {
            bits[s / 8] |= 1 << (s % 8);
        }
    }
    let _ = write!(out, "pub(super) static DFA_ACCEPT: [u8; {}] = [", bits.len());
    for b in &bits {
        let _ = write!(out, "{b},");
    }
    let _ = writeln!(out, "];");

    let d_src = |d: Option<(usize, u32, u32)>| match d {
        Some((i, l, loc)) => format!("Desc {{ start: {}, lengths: {l}, local: {loc} }}", starts[i]),
        None => "Desc::NONE".to_owned(),
    };
    let _ = writeln!(out, "pub(super) static REGIONS: [Region; {}] = [", rows.len());
    for r in &rows {
        let _ = writeln!(
            out,
            "Region {{ id: {:?}, cc: {}, intl_prefix: {}, npfp: {}, transform: {}, leading_digits: {}, general: {}, types: [{}], same_mobile_fixed: {} }},",
            r.id,
            r.cc,
            r.intl,
            r.npfp,
            r.transform,
            r.leading.map_or("None".into(), |i| format!("Some({})", starts[i])),
            d_src(Some(r.general)),
            r.types.iter().map(|t| d_src(*t)).collect::<Vec<_>>().join(", "),
            r.same_mobile_fixed
        );
    }
    let _ = writeln!(out, "];");
    let _ = writeln!(out, "pub(super) static CALLING_CODES: [(u16, &[u16]); {}] = [", cc_rows.len());
    for (cc, idx) in &cc_rows {
        let _ =
            writeln!(out, "({cc}, &[{}]),", idx.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(","));
    }
    let _ = writeln!(out, "];");
    // Pattern sources, for the unit tests that check the generated tables against the reference matcher.
    let _ = writeln!(
        out,
        "#[cfg(test)] pub(super) static DFA_SOURCES: [(&str, u16); {}] = [",
        dfas.sources.len()
    );
    for (src, i) in &dfas.sources {
        let _ = writeln!(out, "({src:?}, {}),", starts[*i]);
    }
    let _ = writeln!(out, "];");
    let _ =
        writeln!(out, "#[cfg(test)] pub(super) static CAPTURE_SOURCES: [(&str, &str); {}] = [", rows.len());
    for r in &rows {
        let clean = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let _ = writeln!(out, "({:?}, {:?}),", clean(&r.intl_src), clean(&r.npfp_src));
    }
    let _ = writeln!(out, "];");
    // Calling code → index in CALLING_CODES; u8::MAX for an unassigned code.
    let mut cc_index = vec![u8::MAX; 1000];
    for (i, (cc, _)) in cc_rows.iter().enumerate() {
        assert!(i < 255, "too many calling codes for u8 indices");
        cc_index[*cc as usize] = i as u8;
    }
    let _ = write!(out, "pub(super) static CC_INDEX: [u8; 1000] = [");
    for v in &cc_index {
        let _ = write!(out, "{v},");
    }
    let _ = writeln!(out, "];");
    // Region code (two ASCII letters) → index in REGIONS; u16::MAX for none.
    let mut by_id = vec![u16::MAX; 26 * 26];
    for (i, r) in rows.iter().enumerate() {
        let b = r.id.as_bytes();
        if b.len() == 2 && b.iter().all(u8::is_ascii_uppercase) {
            by_id[(b[0] - b'A') as usize * 26 + (b[1] - b'A') as usize] = i as u16;
        }
    }
    let _ = write!(out, "pub(super) static REGION_BY_ID: [u16; 676] = [");
    for v in &by_id {
        let _ = write!(out, "{v},");
    }
    let _ = writeln!(out, "];");

    let path =
        std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("phone_meta.rs");
    if let Err(e) = std::fs::write(&path, out) {
        panic!("writing {}: {e}", path.display());
    }
}
