//! The day an article was published, from the date formats news feeds use: RFC 2822 (RSS, and
//! ANT: `Sun, 18 Feb 2018 21:35:43 +0400`) and ISO 8601 (`2018-02-18`, `2018-02-18T21:35:43Z`,
//! with or without an offset). A time with an offset counts on its UTC day.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// A document's date as its input gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Date {
    /// A date that was read: its (UTC) day.
    Day(NaiveDate),
    /// A date field that could not be read, as written (the document counts as undated).
    Unreadable(String),
}

impl Date {
    /// The date of `text`: a [`Date::Day`] when it is in one of the formats above.
    pub fn parse(text: &str) -> Date {
        parse_day(text).map_or_else(|| Date::Unreadable(text.to_string()), Date::Day)
    }

    pub fn day(&self) -> Option<NaiveDate> {
        match self {
            Date::Day(d) => Some(*d),
            Date::Unreadable(_) => None,
        }
    }
}

/// The (UTC) day of a date written in RFC 2822 or ISO 8601.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc2822(t) {
        return Some(d.with_timezone(&Utc).date_naive());
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc).date_naive());
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.date());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_feed_dates_are_read_on_their_utc_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            parse_day("Sun, 18 Feb 2018 21:35:43 +0400"),
            day(2018, 2, 18)
        );
        // 23:30 at UTC−5 is the next day in UTC
        assert_eq!(
            parse_day("Sun, 18 Feb 2018 23:30:00 -0500"),
            day(2018, 2, 19)
        );
        assert_eq!(parse_day("2018-02-18"), day(2018, 2, 18));
        assert_eq!(parse_day("2018-02-18T21:35:43Z"), day(2018, 2, 18));
        assert_eq!(parse_day("2018-02-18T23:35:43-02:00"), day(2018, 2, 19));
        assert_eq!(parse_day("2018-02-18T21:35:43"), day(2018, 2, 18));
        assert_eq!(parse_day("2018-02-18 21:35:43.250"), day(2018, 2, 18));
        for bad in ["", "yesterday", "2018-02-30", "18/02/2018", "Feb 2018"] {
            assert_eq!(parse_day(bad), None, "{bad:?}");
            assert_eq!(Date::parse(bad), Date::Unreadable(bad.into()));
        }
    }
}
