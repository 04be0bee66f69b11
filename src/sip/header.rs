//! SIP header values as a SIP server hands them over, raw: `name-addr` / `addr-spec` identities (From, To,
//! P-Asserted-Identity, P-Preferred-Identity, Remote-Party-ID), the `Privacy` token list and the shape of the
//! STIR `Identity` header. Every parser returns a message saying what is wrong with the value, which the
//! caller turns into an error naming the header. Also the two writers a SIP answer needs: a display name as a
//! quoted-string and a URI user part with RFC 3261 escaping, so what cidguard presents is always valid SIP.

/// The longest header value read (SIP headers are short; this bounds work on hostile input).
pub const MAX_HEADER: usize = 1024;

/// The scheme of an identity URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Sip,
    Sips,
    Tel,
}

impl Scheme {
    /// The scheme as written in a URI.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Sip => "sip",
            Scheme::Sips => "sips",
            Scheme::Tel => "tel",
        }
    }
}

/// A `name=value` (or bare `name`) parameter; names are lower-cased, values kept as written.
pub type Param = (String, Option<String>);

/// A `sip:`, `sips:` or `tel:` URI, reduced to what identity decisions read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    pub scheme: Scheme,
    /// The user part (or the tel number), percent-decoded; `None` for `sip:host`.
    pub user: Option<String>,
    /// The host (and port) of a sip/sips URI; `None` for tel.
    pub host: Option<String>,
    /// URI parameters (`;user=phone`, `;verstat=…`).
    pub params: Vec<Param>,
}

impl Uri {
    /// The value of URI parameter `name` (case-insensitive name).
    pub fn param(&self, name: &str) -> Option<&str> {
        find_param(&self.params, name)
    }
}

/// One identity of a header: optional display name, URI, and header parameters (`;tag=`, `;privacy=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    pub display: Option<String>,
    pub uri: Uri,
    pub params: Vec<Param>,
}

impl NameAddr {
    /// The value of header parameter `name` (case-insensitive name).
    pub fn param(&self, name: &str) -> Option<&str> {
        find_param(&self.params, name)
    }
}

fn find_param<'p>(params: &'p [Param], name: &str) -> Option<&'p str> {
    params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_deref().unwrap_or(""))
}

/// RFC 3261 `token` characters.
pub fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-.!%*_+`'~".contains(c)
}

fn check_length(s: &str) -> Result<(), String> {
    if s.len() > MAX_HEADER {
        return Err(format!("longer than {MAX_HEADER} bytes"));
    }
    if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(format!("control character {:?} in the value", c));
    }
    Ok(())
}

/// Parses a header holding one identity (From, To, P-Preferred-Identity): the first `name-addr` or
/// `addr-spec` and its header parameters. Text after a comma (a second value) is an error.
pub fn parse_name_addr(s: &str) -> Result<NameAddr, String> {
    check_length(s)?;
    let (na, rest) = name_addr(s)?;
    if !rest.trim().is_empty() {
        return Err(format!("unexpected {:?} after the identity", rest.trim()));
    }
    Ok(na)
}

/// Parses a header that may hold several identities separated by commas (P-Asserted-Identity carries a
/// sip and a tel URI; Remote-Party-ID may be folded). At least one is required.
pub fn parse_name_addrs(s: &str) -> Result<Vec<NameAddr>, String> {
    check_length(s)?;
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let (na, after) = name_addr(rest)?;
        out.push(na);
        let after = after.trim_start();
        match after.strip_prefix(',') {
            Some(next) => rest = next,
            None if after.is_empty() => return Ok(out),
            None => return Err(format!("unexpected {after:?} after the identity")),
        }
    }
}

/// One `name-addr` / `addr-spec` with its header parameters; returns the text from the next top-level comma.
fn name_addr(s: &str) -> Result<(NameAddr, &str), String> {
    let s = s.trim_start();
    if s.is_empty() {
        return Err("no identity (expected \"Name\" <sip:user@host> or sip:user@host)".to_owned());
    }
    let (display, rest) = if let Some(quoted) = s.strip_prefix('"') {
        let end = closing_quote(quoted).ok_or("unterminated quoted display name")?;
        let name = unescape_quoted(quoted.get(..end).unwrap_or(""));
        let after = quoted.get(end + 1..).unwrap_or("").trim_start();
        if !after.starts_with('<') {
            return Err("expected <uri> after the quoted display name".to_owned());
        }
        (Some(name), after)
    } else if let Some(lt) = s.find('<') {
        let name = s.get(..lt).unwrap_or("").trim();
        // RFC 3261 wants tokens here; UTF-8 letters are common in the wild and harmless, so they pass too.
        if let Some(c) = name
            .chars()
            .find(|c| !(is_token_char(*c) || *c == ' ' || *c == '\t' || (!c.is_ascii() && !c.is_control())))
        {
            return Err(format!("{c:?} in an unquoted display name (quote it)"));
        }
        (Some(name.to_owned()).filter(|n| !n.is_empty()), s.get(lt..).unwrap_or(""))
    } else {
        (None, s)
    };
    let (uri_text, after_uri, bracketed) = if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>').ok_or("missing '>' after the URI")?;
        (inner.get(..end).unwrap_or(""), inner.get(end + 1..).unwrap_or(""), true)
    } else {
        // addr-spec: URI parameters cannot be told from header parameters, so (RFC 3261 §20) they are
        // header parameters; the URI ends at the first ';' or ','.
        let end = rest.find([';', ',']).unwrap_or(rest.len());
        (rest.get(..end).unwrap_or(""), rest.get(end..).unwrap_or(""), false)
    };
    let uri = parse_uri(uri_text.trim(), bracketed)?;
    let (params, rest) = header_params(after_uri)?;
    Ok((NameAddr { display, uri, params }, rest))
}

fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

fn unescape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `;name=value` parameters up to the next top-level comma (quoted values may hold commas).
fn header_params(s: &str) -> Result<(Vec<Param>, &str), String> {
    let mut params = Vec::new();
    let mut rest = s.trim_start();
    while let Some(p) = rest.strip_prefix(';') {
        let p = p.trim_start();
        let name_end = p.find(|c: char| !is_token_char(c)).unwrap_or(p.len());
        let name = p.get(..name_end).unwrap_or("");
        if name.is_empty() {
            return Err(format!("empty parameter name in {s:?}"));
        }
        let after = p.get(name_end..).unwrap_or("").trim_start();
        let (value, after) = if let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            if let Some(q) = v.strip_prefix('"') {
                let end = closing_quote(q).ok_or("unterminated quoted parameter value")?;
                (Some(unescape_quoted(q.get(..end).unwrap_or(""))), q.get(end + 1..).unwrap_or(""))
            } else {
                let end = v.find([';', ',', ' ', '\t']).unwrap_or(v.len());
                (Some(v.get(..end).unwrap_or("").to_owned()), v.get(end..).unwrap_or(""))
            }
        } else {
            (None, after)
        };
        params.push((name.to_ascii_lowercase(), value));
        rest = after.trim_start();
    }
    if !(rest.is_empty() || rest.starts_with(',')) {
        return Err(format!("unexpected {rest:?} after the URI"));
    }
    Ok((params, rest))
}

/// Parses a `sip:` / `sips:` / `tel:` URI. Without angle brackets a URI cannot carry `;` parameters (they
/// belong to the header), so `bracketed` says whether to read them.
pub fn parse_uri(s: &str, bracketed: bool) -> Result<Uri, String> {
    if s.is_empty() {
        return Err("no URI (expected sip:user@host or tel:+number)".to_owned());
    }
    if s.chars().any(|c| c.is_whitespace()) {
        return Err(format!("space in the URI {s:?}"));
    }
    let (scheme, rest) =
        s.split_once(':').ok_or_else(|| format!("{s:?} is not a sip:, sips: or tel: URI"))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "sip" => Scheme::Sip,
        "sips" => Scheme::Sips,
        "tel" => Scheme::Tel,
        _ => return Err(format!("{s:?} is not a sip:, sips: or tel: URI")),
    };
    // URI headers (?a=b) are dropped: identity decisions never read them.
    let rest = rest.split('?').next().unwrap_or("");
    let (main, params) = match rest.split_once(';') {
        Some((m, p)) if bracketed || scheme == Scheme::Tel => (m, uri_params(p)?),
        Some((m, _)) => (m, Vec::new()),
        None => (rest, Vec::new()),
    };
    let (user, host) = match scheme {
        Scheme::Tel => {
            if main.is_empty() {
                return Err(format!("no number in {s:?}"));
            }
            (Some(percent_decode(main)?), None)
        }
        Scheme::Sip | Scheme::Sips => {
            let (user, host) = match main.rsplit_once('@') {
                Some((u, h)) => (Some(u.split(':').next().unwrap_or("")), h),
                None => (None, main),
            };
            if host.is_empty() {
                return Err(format!("missing host in {s:?}"));
            }
            if let Some(c) = host.chars().find(|c| !(c.is_ascii_alphanumeric() || "-.:[]_".contains(*c))) {
                return Err(format!("{c:?} in the host of {s:?}"));
            }
            let user = match user {
                Some("") => return Err(format!("empty user part in {s:?}")),
                Some(u) => Some(percent_decode(u)?),
                None => None,
            };
            (user, Some(host.to_owned()))
        }
    };
    Ok(Uri { scheme, user, host, params })
}

fn uri_params(s: &str) -> Result<Vec<Param>, String> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = match p.split_once('=') {
                Some((n, v)) => (n, Some(percent_decode(v)?)),
                None => (p, None),
            };
            if n.is_empty() || !n.chars().all(is_token_char) {
                return Err(format!("bad URI parameter {p:?}"));
            }
            Ok((n.to_ascii_lowercase(), v))
        })
        .collect()
}

/// Decodes `%XX` escapes (RFC 3261 `escaped`); a broken escape or non-UTF-8 result is an error.
fn percent_decode(s: &str) -> Result<String, String> {
    if !s.contains('%') {
        return Ok(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(|| format!("broken %-escape in {s:?}"))?;
            let b = u8::from_str_radix(hex, 16).map_err(|_| format!("broken %-escape in {s:?}"))?;
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).map_err(|_| format!("%-escapes in {s:?} are not UTF-8"))?;
    if decoded.chars().any(char::is_control) {
        return Err(format!("control character escaped in {s:?}"));
    }
    Ok(decoded)
}

/// Splits a `Privacy` header value into lower-cased tokens (`;` separated per RFC 3323; `,` is accepted too,
/// as several headers get folded that way; spaces around tokens are ignored). An empty value, an empty token
/// or a non-token is malformed.
pub fn parse_privacy(s: &str) -> Result<Vec<String>, String> {
    check_length(s)?;
    let mut out = Vec::new();
    for raw in s.split([';', ',']) {
        let t = raw.trim();
        if t.is_empty() {
            return Err(format!("empty privacy token in {s:?}"));
        }
        if !t.chars().all(is_token_char) {
            return Err(format!("{t:?} is not a privacy token"));
        }
        out.push(t.to_ascii_lowercase());
    }
    Ok(out)
}

/// Checks the shape of a STIR `Identity` header (RFC 8224): a JWS in compact serialisation, three base64url
/// parts separated by dots (the middle one empty in the compact form), then `;info=<…>;alg=…;ppt=…`
/// parameters. What it attests is not read here.
pub fn check_identity(s: &str) -> Result<(), String> {
    check_length(s)?;
    let s = s.trim();
    let jws = s.split(';').next().unwrap_or("").trim();
    let parts: Vec<&str> = jws.split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "expected a JWS of three base64url parts separated by '.', found {}",
            parts.len()
        ));
    }
    let b64url = |p: &str| p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    for (i, (name, p)) in ["header", "payload", "signature"].iter().zip(&parts).enumerate() {
        if !b64url(p) {
            return Err(format!("the JWS {name} is not base64url"));
        }
        if p.is_empty() && i != 1 {
            return Err(format!("the JWS {name} is empty"));
        }
    }
    let after = s.get(jws.len()..).unwrap_or("");
    let (_, rest) = header_params(after).map_err(|m| format!("parameters: {m}"))?;
    if !rest.is_empty() {
        return Err(format!("unexpected {rest:?} after the parameters"));
    }
    Ok(())
}

/// A display name as an RFC 3261 quoted-string (`"` and `\` escaped, control characters dropped, so a
/// name can never break out of its header).
pub fn quote_display(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars().filter(|c| !c.is_control()) {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A URI user part with every character outside RFC 3261 `unreserved` / `user-unreserved` %-escaped (UTF-8),
/// so text with spaces or quotes still makes a valid URI.
pub fn escape_user(user: &str) -> String {
    let mut out = String::with_capacity(user.len());
    for c in user.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '_'
                    | '.'
                    | '!'
                    | '~'
                    | '*'
                    | '\''
                    | '('
                    | ')'
                    | '&'
                    | '='
                    | '+'
                    | '$'
                    | ','
                    | ';'
                    | '?'
                    | '/'
            )
        {
            out.push(c);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_and_token_display_names() {
        let na =
            parse_name_addr("\"Al \\\"A\\\" B\" <sip:+33639981234@example.com;user=phone>;tag=abc").unwrap();
        assert_eq!(na.display.as_deref(), Some("Al \"A\" B"));
        assert_eq!(na.uri.user.as_deref(), Some("+33639981234"));
        assert_eq!(na.uri.host.as_deref(), Some("example.com"));
        assert_eq!(na.uri.param("user"), Some("phone"));
        assert_eq!(na.param("tag"), Some("abc"));
        let na = parse_name_addr("Alice Smith <sip:alice@pbx>").unwrap();
        assert_eq!(na.display.as_deref(), Some("Alice Smith"));
    }

    #[test]
    fn addr_spec_parameters_belong_to_the_header() {
        let na = parse_name_addr("sip:1000@pbx;tag=x").unwrap();
        assert_eq!(na.uri.user.as_deref(), Some("1000"));
        assert!(na.uri.params.is_empty());
        assert_eq!(na.param("tag"), Some("x"));
    }

    #[test]
    fn several_identities() {
        let ids = parse_name_addrs("<sip:+1555@carrier;verstat=TN-Validation-Passed>, <tel:+1555>").unwrap();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0].uri.param("verstat"), Some("TN-Validation-Passed"));
        assert_eq!(ids[1].uri.scheme, Scheme::Tel);
    }

    #[test]
    fn malformed_identities_say_why() {
        for (s, why) in [
            ("\"Alice <sip:a@b>", "unterminated quoted display name"),
            ("\"Alice\"", "expected <uri>"),
            ("", "no identity"),
            ("\"Alice\" <>", "no URI"),
            ("<sip:a@b", "missing '>'"),
            ("<http://x>", "is not a sip:"),
            ("<sip:@host>", "empty user part"),
            ("<sip:user@>", "missing host"),
            ("<sip:us er@h>", "space in the URI"),
            ("<sip:%zz@h>", "broken %-escape"),
            ("Al;ice <sip:a@b>", "unquoted display name"),
            ("<sip:a@b> junk", "unexpected"),
        ] {
            let e = parse_name_addr(s).unwrap_err();
            assert!(e.contains(why), "{s:?}: {e}");
        }
    }

    #[test]
    fn privacy_tokens() {
        assert_eq!(parse_privacy("ID; User").unwrap(), vec!["id", "user"]);
        assert!(parse_privacy("id;;user").is_err());
        assert!(parse_privacy("id@@x").is_err());
    }

    #[test]
    fn identity_shape() {
        assert!(
            check_identity("eyJh.eyJw.c2ln;info=<https://cert.example/x.pem>;alg=ES256;ppt=shaken").is_ok()
        );
        assert!(check_identity("eyJh..c2ln;info=<https://c/x>").is_ok());
        assert!(check_identity("abc").unwrap_err().contains("three base64url parts"));
        assert!(check_identity("a.b+c.d").unwrap_err().contains("payload is not base64url"));
        assert!(check_identity(".b.c").unwrap_err().contains("header is empty"));
    }

    #[test]
    fn writers_keep_headers_valid() {
        assert_eq!(quote_display("Al \"A\"\r\nX: y"), "\"Al \\\"A\\\"X: y\"");
        assert_eq!(escape_user("01 70 36"), "01%2070%2036");
        assert_eq!(escape_user("+33170369999"), "+33170369999");
        assert_eq!(escape_user("é"), "%C3%A9");
    }
}
