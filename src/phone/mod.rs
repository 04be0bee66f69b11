//! Phone-number normalisation: every caller ID, dialled number and list entry goes through here to E.164.

use crate::error::Error;
use serde::{Deserialize, Serialize};

/// A number in E.164 with the region it belongs to and whether it is a valid (assigned-range) number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalized {
    /// `+` country code and national significant number, e.g. `+33639981234`.
    pub e164: String,
    /// ISO 3166 alpha-2 region (`FR`), `001` for non-geographic numbers, `null` when it cannot be told.
    pub region: Option<String>,
    /// Whether the number matches a number range of its region (libphonenumber `isValidNumber`).
    pub valid: bool,
}

/// Normalises `number` to E.164, reading national formats with the default `country` (ISO 3166 alpha-2).
pub fn normalize(number: &str, country: &str) -> Result<Normalized, Error> {
    let id = country_id(country)?;
    let parsed = phonenumber::parse(Some(id), number).map_err(|e| {
        use phonenumber::ParseError as P;
        let (code, msg) = match e {
            P::NoNumber => ("not_a_number", "not a phone number".to_owned()),
            P::InvalidCountryCode => ("invalid_country_code", "unknown country calling code".to_owned()),
            P::TooShortAfterIdd | P::TooShortNsn => {
                ("too_short", "too short to be a phone number".to_owned())
            }
            P::TooLong => ("too_long", "too long to be a phone number".to_owned()),
            other => ("not_a_number", format!("not a phone number ({other})")),
        };
        Error::new("number", code, msg)
    })?;
    let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
    let valid = phonenumber::is_valid(&parsed);
    let region = parsed.country().id().map(|id| id.as_ref().to_owned());
    Ok(Normalized { e164, region, valid })
}

fn country_id(country: &str) -> Result<phonenumber::country::Id, Error> {
    let upper = country.trim().to_ascii_uppercase();
    if upper.len() != 2 || !upper.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::new(
            "country",
            "unknown_country",
            format!("{country:?} is not an ISO 3166 alpha-2 country code"),
        ));
    }
    upper.parse().map_err(|_| {
        Error::new(
            "country",
            "unknown_country",
            format!("{country:?} is not a known ISO 3166 alpha-2 country code"),
        )
    })
}
