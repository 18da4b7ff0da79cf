//! Numbers with a range, checked once where they are parsed.
//!
//! A bounded setting (`epochs`, `concurrency`, a moderation threshold…) has one type here. Its
//! `FromStr` serves clap, its `Deserialize` the config file and the moderation profiles, and its
//! `JsonSchema` states the range in the generated config schema, so the three cannot disagree.
//! The messages are clap's own wording (`99 is not in 1..=50`), so a value out of range reads the
//! same whether it came from a flag or from a file.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// An integer in `MIN..=MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bounded<const MIN: u32, const MAX: u32>(u32);

impl<const MIN: u32, const MAX: u32> Bounded<MIN, MAX> {
    /// `n`, or the message saying the range.
    pub fn new(n: i64) -> Result<Self, String> {
        match u32::try_from(n) {
            Ok(v) if (MIN..=MAX).contains(&v) => Ok(Bounded(v)),
            _ => Err(format!("{n} is not in {MIN}..={MAX}")),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl<const MIN: u32, const MAX: u32> fmt::Display for Bounded<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<const MIN: u32, const MAX: u32> FromStr for Bounded<MIN, MAX> {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        // i64 first, so that `-1` and `99` get the range message rather than a parse error.
        let n: i64 = s.trim().parse().map_err(|e| format!("{e}"))?;
        Bounded::new(n)
    }
}

impl<'de, const MIN: u32, const MAX: u32> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Bounded::new(i64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl<const MIN: u32, const MAX: u32> JsonSchema for Bounded<MIN, MAX> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Integer{MIN}To{MAX}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "integer", "minimum": MIN, "maximum": MAX})
    }
}

/// A number in `0..=1`: a moderation threshold or a fraction of examples.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Fraction(f64);

impl Fraction {
    /// `v`, or the message saying the range.
    pub fn new(v: f64) -> Result<Self, String> {
        if (0.0..=1.0).contains(&v) {
            Ok(Fraction(v))
        } else {
            Err(format!("{v} is not in 0..=1"))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Fraction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let v: f64 = s.trim().parse().map_err(|e| format!("{e}"))?;
        Fraction::new(v)
    }
}

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // f64 also accepts TOML integers (`warn = 0`).
        Fraction::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Fraction {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Fraction".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "number", "minimum": 0, "maximum": 1})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Epochs = Bounded<1, 50>;

    #[test]
    fn integers_say_their_range_as_clap_does() {
        assert_eq!("7".parse::<Epochs>().unwrap().get(), 7);
        assert_eq!("99".parse::<Epochs>().unwrap_err(), "99 is not in 1..=50");
        assert_eq!("0".parse::<Epochs>().unwrap_err(), "0 is not in 1..=50");
        assert_eq!("-1".parse::<Epochs>().unwrap_err(), "-1 is not in 1..=50");
        assert_eq!(
            "x".parse::<Epochs>().unwrap_err(),
            "invalid digit found in string"
        );
        let e = toml::from_str::<toml::Table>("a = 51")
            .unwrap()
            .get("a")
            .cloned()
            .unwrap()
            .try_into::<Epochs>()
            .unwrap_err();
        assert_eq!(e.message(), "51 is not in 1..=50");
    }

    #[test]
    fn fractions_accept_integers_and_reject_the_rest() {
        #[derive(Deserialize)]
        struct T {
            f: Fraction,
        }
        assert_eq!(toml::from_str::<T>("f = 1").unwrap().f.get(), 1.0);
        assert_eq!(toml::from_str::<T>("f = 0.25").unwrap().f.get(), 0.25);
        let e = toml::from_str::<T>("f = 2.0").err().unwrap();
        assert_eq!(e.message(), "2 is not in 0..=1");
        assert_eq!(e.span(), Some(4..7));
    }

    #[test]
    fn schemas_state_the_range() {
        let s = schemars::SchemaGenerator::default().into_root_schema_for::<Epochs>();
        assert_eq!(s.get("minimum"), Some(&serde_json::json!(1)));
        assert_eq!(s.get("maximum"), Some(&serde_json::json!(50)));
        let s = schemars::SchemaGenerator::default().into_root_schema_for::<Fraction>();
        assert_eq!(s.get("maximum"), Some(&serde_json::json!(1)));
    }
}
