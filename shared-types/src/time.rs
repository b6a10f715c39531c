//! Reading the timestamps the server writes (RFC 3339, as chrono serialises them).
//!
//! chrono's own `Deserialize` accepts a relaxed RFC 3339 through its general format parser;
//! response types use these strict readers instead, which are much smaller in the web app's
//! WASM. Request and query types keep chrono's relaxed reader for what clients send.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, de::Error};

fn parse<E: Error>(text: &str) -> Result<DateTime<Utc>, E> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(E::custom)
}

/// Reads an RFC 3339 timestamp.
pub fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    parse(&String::deserialize(d)?)
}

/// Reads an optional RFC 3339 timestamp (`null` or absent is `None`; pair it with
/// `#[serde(default)]`).
pub fn rfc3339_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Option::<String>::deserialize(d)?.map(|s| parse(&s)).transpose()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Stamped {
        #[serde(deserialize_with = "super::rfc3339")]
        at: chrono::DateTime<chrono::Utc>,
        #[serde(default, deserialize_with = "super::rfc3339_opt")]
        due: Option<chrono::DateTime<chrono::Utc>>,
    }

    #[test]
    fn reads_what_chrono_writes_and_refuses_the_rest() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 26, 7, 30, 5).single().unwrap_or_default();
        let written = serde_json::to_string(&at).unwrap_or_default();
        let json = format!(r#"{{"at":{written},"due":null}}"#);
        let read: Stamped = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((read.at, read.due), (at, None));
        let read: Stamped =
            serde_json::from_str(r#"{"at":"2026-11-26T12:30:05.25+05:00"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.at.timestamp_millis(), at.timestamp_millis() + 250);
        assert!(read.due.is_none());
        assert!(serde_json::from_str::<Stamped>(r#"{"at":"yesterday"}"#).is_err());
    }
}
