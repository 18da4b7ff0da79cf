//! Calendar dates of the targets' lifecycle data (`2027-01-06`), and "today".
//!
//! Lifecycle dates need only day arithmetic — how many days until a model's last fine-tuning
//! day — so a small civil-date type does the job; a date-time crate would be a heavy
//! dependency for one subtraction.

use std::fmt;
use std::str::FromStr;

/// A day of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// The environment variable that fixes "today" (`YYYY-MM-DD`): tests pin it so lifecycle
/// findings do not change with the calendar, and users can ask "what will ftlint say on the
/// day of my next training run?".
pub const TODAY_ENV: &str = "FTLINT_TODAY";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date of the form YYYY-MM-DD")]
pub struct DateError(pub String);

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let d = Date { year, month, day };
        ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day)).then_some(d)
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's `days_from_civil`.
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (`civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.days_since_epoch() - self.days_since_epoch()
    }

    /// Today: `FTLINT_TODAY` when set (an invalid value is an error, not silently the clock),
    /// else the system clock's UTC date.
    pub fn today() -> Result<Date, DateError> {
        match std::env::var(TODAY_ENV) {
            Ok(v) => v.parse(),
            Err(_) => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(0);
                Ok(Date::from_days_since_epoch(secs.div_euclid(86_400)))
            }
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.to_owned());
        let mut it = s.split('-');
        let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(err());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(err());
        }
        let num = |t: &str| {
            t.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| t.parse::<u32>().ok())
                .flatten()
        };
        let (Some(y), Some(m), Some(d)) = (num(y), num(m), num(d)) else {
            return Err(err());
        };
        Date::new(y as i32, m as u8, d as u8).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let d: Date = "2027-01-06".parse().unwrap();
        assert_eq!(d, Date::new(2027, 1, 6).unwrap());
        assert_eq!(d.to_string(), "2027-01-06");
        for bad in [
            "2027-1-6",
            "2027-02-29",
            "2027-13-01",
            "27-01-06",
            "2027-01-06x",
            "",
            "2027-00-10",
            "+027-01-06",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2028-02-29".parse::<Date>().is_ok());
    }

    #[test]
    fn day_arithmetic() {
        let epoch = Date::new(1970, 1, 1).unwrap();
        assert_eq!(epoch.days_since_epoch(), 0);
        let a: Date = "2026-12-01".parse().unwrap();
        let b: Date = "2027-01-06".parse().unwrap();
        assert_eq!(a.days_until(b), 36);
        assert_eq!(b.days_until(a), -36);
        assert_eq!(
            "2024-02-28"
                .parse::<Date>()
                .unwrap()
                .days_until("2024-03-01".parse().unwrap()),
            2
        );
        // Round trip over a wide range, including leap years and centuries.
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
    }
}
