//! The text-level steps of libphonenumber's parser: character classes, `extractPossibleNumber`, the viability
//! check, extension stripping, RFC 3966 `tel:` handling and digit normalisation (every Unicode `Nd` digit and
//! keypad letters). They work on the raw input, before any metadata is consulted.

use std::borrow::Cow;

/// The first code point of every run of ten Unicode decimal digits (`Nd`, Unicode 14).
const ND_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50,
    0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40,
    0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066,
    0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950,
    0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
    0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// The value of a decimal digit of any script (`Character.digit` on `\p{Nd}`).
#[inline]
pub fn digit(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x80 {
        return c.is_ascii_digit().then(|| cp as u8 - b'0');
    }
    let i = ND_ZEROS.partition_point(|&z| z <= cp).checked_sub(1)?;
    let zero = *ND_ZEROS.get(i)?;
    (cp - zero < 10).then(|| (cp - zero) as u8)
}

/// `+` or full-width `＋`.
#[inline]
pub fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{ff0b}'
}

/// libphonenumber's `VALID_PUNCTUATION` (with `X`, as its patterns are case-insensitive).
fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '-' | 'x'
            | 'X'
            | '\u{2010}'..='\u{2015}'
            | '\u{2212}'
            | '\u{30fc}'
            | '\u{ff0d}'..='\u{ff0f}'
            | ' '
            | '\u{a0}'
            | '\u{ad}'
            | '\u{200b}'
            | '\u{2060}'
            | '\u{3000}'
            | '('
            | ')'
            | '\u{ff08}'
            | '\u{ff09}'
            | '\u{ff3b}'
            | '\u{ff3d}'
            | '.'
            | '['
            | ']'
            | '/'
            | '~'
            | '\u{2053}'
            | '\u{223c}'
            | '\u{ff5e}'
    )
}

/// Keypad digit of a letter (`ALPHA_MAPPINGS`), after JS `toUpperCase` (so `ı` → `I`, `ſ` → `S`).
fn keypad(c: char) -> Option<u8> {
    let up = match c {
        'a'..='z' => c.to_ascii_uppercase(),
        'A'..='Z' => c,
        '\u{131}' => 'I',
        '\u{17f}' => 'S',
        _ => return None,
    };
    Some(match up {
        'A'..='C' => 2,
        'D'..='F' => 3,
        'G'..='I' => 4,
        'J'..='L' => 5,
        'M'..='O' => 6,
        'P'..='S' => 7,
        'T'..='V' => 8,
        _ => 9,
    })
}

/// `normalize`: with three or more ASCII letters (`VALID_ALPHA_PHONE_PATTERN`) letters become keypad digits;
/// digits of any script become ASCII; everything else is dropped.
pub fn normalize(s: &str) -> String {
    // `.` does not cross line terminators, so a line break makes the alpha pattern fail.
    let alpha = s.chars().filter(char::is_ascii_alphabetic).nth(2).is_some()
        && !s.contains(['\n', '\r', '\u{2028}', '\u{2029}']);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(d) = digit(c).or_else(|| if alpha { keypad(c) } else { None }) {
            out.push((b'0' + d) as char);
        }
    }
    out
}

/// `extractPossibleNumber`: from the first `+` or digit, trailing non-alphanumerics (except `#`) dropped, cut
/// before a second number (`/ x…`).
pub fn extract_possible_number(s: &str) -> &str {
    let Some(start) = s.find(|c: char| is_plus(c) || digit(c).is_some()) else { return "" };
    let t =
        s[start..].trim_end_matches(|c: char| !(digit(c).is_some() || c.is_ascii_alphabetic() || c == '#'));
    match second_number_start(t) {
        Some(i) => &t[..i],
        None => t,
    }
}

/// `SECOND_NUMBER_START_PATTERN` `[\\/] *x`.
fn second_number_start(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    b.iter().enumerate().find_map(|(i, &c)| {
        if c != b'/' && c != b'\\' {
            return None;
        }
        let rest = &b[i + 1..];
        let spaces = rest.iter().take_while(|&&c| c == b' ').count();
        (rest.get(spaces) == Some(&b'x')).then_some(i)
    })
}

/// The JS string length (UTF-16 code units), which libphonenumber's length limits count.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `isViablePhoneNumber`: two digits, or an optional `+`, at least three digits among punctuation before any
/// letter, then digits, letters and punctuation, then an optional extension.
pub fn is_viable(s: &str) -> bool {
    if utf16_len(s) < 2 {
        return false;
    }
    let mut it = s.chars();
    if let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) {
        if digit(a).is_some() && digit(b).is_some() {
            return true;
        }
    }
    let body = s.trim_start_matches(is_plus);
    let offset = s.len() - body.len();
    let mut digits = 0;
    let mut letters_seen = false;
    // Byte position just after the third digit that precedes any letter: the earliest end of the number part.
    let mut earliest = None;
    for (i, c) in body.char_indices() {
        let is_digit = digit(c).is_some();
        let is_letter = c.is_ascii_alphabetic() && !matches!(c, 'x' | 'X');
        if !(is_digit || is_letter || is_punctuation(c) || c == '*') {
            // The number part ends here: the rest must be an extension.
            return earliest.is_some_and(|e| extension_between(s, e, offset + i).is_some());
        }
        letters_seen |= is_letter;
        if is_digit && !letters_seen {
            digits += 1;
            if digits == 3 {
                earliest = Some(offset + i + c.len_utf8());
            }
        }
    }
    // The whole input is a number part; an extension may also start inside it (e.g. ` ext. 12`).
    earliest.is_some()
}

/// Folds the case of the letters the extension pattern is matched against (it is case-insensitive).
fn fold(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\u{ff21}'..='\u{ff3a}' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        '\u{410}'..='\u{42f}' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        '\u{d3}' => '\u{f3}',
        _ => c,
    }
}

/// One element of an extension alternative.
enum X {
    /// Between `min` and `max` characters from a set.
    Set(fn(char) -> bool, u8, u8),
    /// One of these (lower-case) words.
    Word(&'static [&'static str]),
}

fn ext_digit(c: char) -> bool {
    digit(c).is_some()
}
fn blank_comma(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\t' | ',')
}
fn blank(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\t')
}
fn blank_comma_dash(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\t' | ',' | '-')
}
fn colon_dot(c: char) -> bool {
    matches!(c, ':' | '.' | '\u{ff0e}')
}
fn dash_space(c: char) -> bool {
    matches!(c, '-' | ' ')
}
fn hash(c: char) -> bool {
    c == '#'
}
fn comma(c: char) -> bool {
    c == ','
}

const MANY: u8 = u8::MAX;

/// `e?xt(?:ensi(?:o\u{301}?|\u{f3}))?n?|ｅ?ｘｔｎ?|доб|anexo`, spelled out (`ó?` applies to the combining accent only).
const EXT_WORDS: &[&str] = &[
    "xt",
    "xtn",
    "xtensio",
    "xtension",
    "xtensio\u{301}",
    "xtensio\u{301}n",
    "xtensi\u{f3}",
    "xtensi\u{f3}n",
    "ext",
    "extn",
    "extensio",
    "extension",
    "extensio\u{301}",
    "extensio\u{301}n",
    "extensi\u{f3}",
    "extensi\u{f3}n",
    "ｘｔ",
    "ｘｔｎ",
    "ｅｘｔ",
    "ｅｘｔｎ",
    "доб",
    "anexo",
];

/// libphonenumber's `EXTN_PATTERN` alternatives (each followed by the end of input).
const EXTENSIONS: &[&[X]] = &[
    &[X::Word(&[";ext="]), X::Set(ext_digit, 1, 20)],
    &[
        X::Set(blank_comma, 0, MANY),
        X::Word(EXT_WORDS),
        X::Set(colon_dot, 0, 1),
        X::Set(blank_comma_dash, 0, MANY),
        X::Set(ext_digit, 1, 20),
        X::Set(hash, 0, 1),
    ],
    &[
        X::Set(blank_comma, 0, MANY),
        X::Word(&["x", "ｘ", "#", "＃", "~", "～", "int", "ｉｎｔ"]),
        X::Set(colon_dot, 0, 1),
        X::Set(blank_comma_dash, 0, MANY),
        X::Set(ext_digit, 1, 9),
        X::Set(hash, 0, 1),
    ],
    &[X::Set(dash_space, 1, MANY), X::Set(ext_digit, 1, 6), X::Word(&["#"])],
    &[
        X::Set(blank, 0, MANY),
        X::Word(&[",,", ";"]),
        X::Set(colon_dot, 0, 1),
        X::Set(blank_comma_dash, 0, MANY),
        X::Set(ext_digit, 1, 15),
        X::Set(hash, 0, 1),
    ],
    &[
        X::Set(blank, 0, MANY),
        X::Set(comma, 1, MANY),
        X::Set(colon_dot, 0, 1),
        X::Set(blank_comma_dash, 0, MANY),
        X::Set(ext_digit, 1, 9),
        X::Set(hash, 0, 1),
    ],
];

/// Whether `items` match all of `s` (any way: the pattern is anchored at the end, so a boolean suffices).
fn ext_match(items: &[X], s: &str) -> bool {
    let Some((first, rest)) = items.split_first() else { return s.is_empty() };
    match first {
        X::Set(f, min, max) => set_match(*f, *min, *max, 0, s, rest),
        X::Word(words) => words.iter().any(|w| {
            let mut chars = s.char_indices();
            for wc in w.chars() {
                match chars.next() {
                    Some((_, c)) if fold(c) == wc => {}
                    _ => return false,
                }
            }
            let at = chars.next().map_or(s.len(), |(i, _)| i);
            ext_match(rest, &s[at..])
        }),
    }
}

/// Greedy `f{min,max}` followed by `rest`, backtracking one character at a time.
fn set_match(f: fn(char) -> bool, min: u8, max: u8, count: u8, s: &str, rest: &[X]) -> bool {
    if count < max {
        if let Some(c) = s.chars().next().filter(|&c| f(c)) {
            if set_match(f, min, max, count.saturating_add(1), &s[c.len_utf8()..], rest) {
                return true;
            }
        }
    }
    count >= min && ext_match(rest, s)
}

/// Whether an extension can start with `c` (a cheap filter before trying the alternatives).
fn extension_starter(c: char) -> bool {
    blank_comma(c)
        || matches!(
            fold(c),
            ';' | '-' | 'e' | 'x' | 'a' | 'i' | '#' | '~' | 'ｅ' | 'ｘ' | 'ｉ' | 'д' | '＃' | '～'
        )
}

/// Whether an extension (`EXTN_PATTERN`, anchored at the end) starts at byte `at` of `s`.
fn extension_at(s: &str, at: usize) -> bool {
    let tail = &s[at..];
    EXTENSIONS.iter().any(|alt| ext_match(alt, tail))
}

/// Where an extension can start: every alternative is a non-empty marker without digits (`;ext=`, `ext.`,
/// `x`, `,,`, `- `, …) followed by the final run of digits (and an optional `#`), so a start lies between the
/// last digit before that run and the run itself. `None` when the input cannot end with an extension (the
/// common case, decided in one pass).
fn extension_window(s: &str) -> Option<(usize, usize)> {
    let body = s.strip_suffix('#').unwrap_or(s);
    let run = body.len() - body.trim_end_matches(|c: char| digit(c).is_some()).len();
    if run == 0 {
        return None;
    }
    let digits_start = body.len() - run;
    let before = &body[..digits_start];
    let lo =
        before.char_indices().rev().find(|&(_, c)| digit(c).is_some()).map_or(0, |(i, c)| i + c.len_utf8());
    let marker = &before[lo..];
    // `[- ]+\d{1,6}#` is the only alternative without a keyword.
    let hash = body.len() != s.len();
    let has_marker = marker.chars().any(|c| {
        matches!(c, ';' | ',' | '#' | '＃' | '~' | '～')
            || c.is_alphabetic()
            || (hash && matches!(c, '-' | ' '))
    });
    has_marker.then_some((lo, digits_start))
}

/// Whether an extension starts at some byte position in `lo..=hi` (within the extension window).
fn extension_between(s: &str, lo: usize, hi: usize) -> Option<usize> {
    let (wlo, whi) = extension_window(s)?;
    (lo.max(wlo)..hi.min(whi).saturating_add(1))
        .find(|&p| s.get(p..).is_some_and(|t| t.starts_with(extension_starter)) && extension_at(s, p))
}

/// `maybeStripExtension`: the number without its extension, when the leftmost extension leaves a viable number.
pub fn strip_extension(s: &str) -> &str {
    match extension_between(s, 0, s.len()) {
        Some(i) if is_viable(&s[..i]) => &s[..i],
        _ => s,
    }
}

/// Why the input holds no number (RFC 3966 context problems).
#[derive(Debug, PartialEq, Eq)]
pub struct NotANumber;

const PHONE_CONTEXT: &str = ";phone-context=";

/// `buildNationalNumberForParsing`: the number part of a `tel:` URI (prefixed with a `+…` phone-context) or
/// the possible number in free text, without an ISDN subaddress.
pub fn national_number_for_parsing(s: &str) -> Result<Cow<'_, str>, NotANumber> {
    // Both the phone-context and the subaddress parameters start with `;`.
    if !s.contains(';') {
        return Ok(Cow::Borrowed(extract_possible_number(s)));
    }
    let mut out: Cow<'_, str> = match s.find(PHONE_CONTEXT) {
        None => Cow::Borrowed(extract_possible_number(s)),
        Some(idx) => {
            let from = idx + PHONE_CONTEXT.len();
            let ctx = s[from..].split(';').next().unwrap_or("");
            if !(is_global_number_digits(ctx) || is_domain_name(ctx)) {
                return Err(NotANumber);
            }
            let mut out = String::new();
            if ctx.starts_with('+') {
                out.push_str(ctx);
            }
            let start = s.find("tel:").map_or(0, |i| i + 4);
            // JS `substring` swaps reversed bounds.
            let (a, b) = if start <= idx { (start, idx) } else { (idx, start) };
            out.push_str(s.get(a..b).unwrap_or(""));
            Cow::Owned(out)
        }
    };
    if let Some(i) = out.find(";isub=") {
        if i > 0 {
            match &mut out {
                Cow::Borrowed(b) => *b = &b[..i],
                Cow::Owned(o) => o.truncate(i),
            }
        }
    }
    Ok(out)
}

/// RFC 3966 `global-number-digits`: `+`, then digits and visual separators with at least one digit.
fn is_global_number_digits(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('+') else { return false };
    rest.chars().all(|c| digit(c).is_some() || matches!(c, '-' | '.' | '(' | ')'))
        && rest.chars().any(|c| digit(c).is_some())
}

/// RFC 3966 `domainname`: dot-separated labels of letters, digits and inner hyphens; the last starts with a
/// letter; an optional final dot.
fn is_domain_name(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    let alnum = |c: char| c.is_ascii_alphabetic() || digit(c).is_some();
    let label_ok = |l: &str| {
        l.chars().next().is_some_and(alnum)
            && l.chars().next_back().is_some_and(alnum)
            && l.chars().all(|c| alnum(c) || c == '-')
    };
    let mut labels = s.split('.').peekable();
    while let Some(l) = labels.next() {
        if !label_ok(l) {
            return false;
        }
        if labels.peek().is_none() && !l.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_script() {
        assert_eq!(digit('7'), Some(7));
        assert_eq!(digit('\u{ff13}'), Some(3)); // full-width
        assert_eq!(digit('\u{0665}'), Some(5)); // Arabic-Indic
        assert_eq!(digit('\u{06f9}'), Some(9)); // Extended Arabic-Indic
        assert_eq!(digit('\u{096a}'), Some(4)); // Devanagari
        assert_eq!(digit('a'), None);
        assert_eq!(digit('\u{00b2}'), None); // superscript two is No, not Nd
    }

    #[test]
    fn normalises_digits_and_vanity_letters() {
        assert_eq!(normalize("+33 (0)1-23"), "330123");
        assert_eq!(normalize("1-800-FLOWERS"), "18003569377");
        assert_eq!(normalize("12 ab"), "12"); // fewer than three letters: dropped
        assert_eq!(normalize("\u{0661}\u{0662}\u{ff13}"), "123");
    }

    #[test]
    fn extracts_the_possible_number() {
        assert_eq!(extract_possible_number("Tel: +44 20 7946 0958."), "+44 20 7946 0958");
        assert_eq!(extract_possible_number("call 650-253-0000 / x123"), "650-253-0000 ");
        assert_eq!(extract_possible_number("650 253 0000/x123"), "650 253 0000");
        assert_eq!(extract_possible_number("no digits"), "");
    }

    #[test]
    fn viability() {
        assert!(is_viable("12"));
        assert!(is_viable("+1 650 253 0000"));
        assert!(is_viable("1-800-FLOWERS"));
        assert!(is_viable("650 253 0000 ext. 123"));
        assert!(!is_viable("1"));
        assert!(!is_viable("ab12"));
        assert!(!is_viable("12 ab 3"));
        assert!(!is_viable("123@example"));
    }

    #[test]
    fn strips_extensions() {
        assert_eq!(strip_extension("650 253 0000 ext. 123"), "650 253 0000");
        assert_eq!(strip_extension("650 253 0000 x123"), "650 253 0000");
        assert_eq!(strip_extension("650 253 0000;ext=77"), "650 253 0000");
        assert_eq!(strip_extension("650 253 0000 #12#"), "650 253 0000");
        assert_eq!(strip_extension("+7 495 123 45 67 доб. 89"), "+7 495 123 45 67");
        assert_eq!(strip_extension("650 253 0000"), "650 253 0000");
        assert_eq!(strip_extension("1 x3"), "1 x3"); // what is left would not be viable
    }

    #[test]
    fn tel_uris() {
        assert_eq!(
            national_number_for_parsing("tel:253-0000;phone-context=+1-650").as_deref(),
            Ok("+1-650253-0000")
        );
        assert_eq!(
            national_number_for_parsing("tel:253-0000;phone-context=example.com").as_deref(),
            Ok("253-0000")
        );
        assert_eq!(
            national_number_for_parsing("tel:+1-650-253-0000;isub=12").as_deref(),
            Ok("+1-650-253-0000")
        );
        assert_eq!(national_number_for_parsing("tel:253;phone-context="), Err(NotANumber));
        assert_eq!(national_number_for_parsing("tel:253;phone-context=+"), Err(NotANumber));
        assert_eq!(national_number_for_parsing("tel:253;phone-context=1.-x"), Err(NotANumber));
    }
}
