//! The TypeScript types in the package name exactly the values the core produces for its closed sets (the
//! vector type check in scripts/check-package.sh proves every produced value fits; this proves none is missing
//! or stale).

use cidguard::trace::Outcome;

/// The string members of the TypeScript union type `name` in the binding's type declarations.
fn union(name: &str) -> Vec<String> {
    let src = include_str!("../src/wasm/mod.rs");
    let start = src.find(&format!("export type {name} =")).unwrap_or_else(|| panic!("no type {name}"));
    let decl = &src[start..];
    let decl = &decl[..decl.find(';').unwrap_or(decl.len())];
    decl.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn trace_outcome_lists_every_outcome() {
    let mut ts = union("TraceOutcome");
    let mut rust: Vec<String> = Outcome::ALL.iter().map(|o| o.as_str().to_owned()).collect();
    ts.sort();
    rust.sort();
    assert_eq!(ts, rust);
}
