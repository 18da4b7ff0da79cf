//! The vocabulary choice: which of tiktoken's encodings a text is counted in.

use std::fmt;

/// A tiktoken encoding. Serialized by its tiktoken name (`o200k_base`, `cl100k_base`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum Encoding {
    /// GPT-4o and GPT-4.1 families.
    #[cfg_attr(feature = "serde", serde(rename = "o200k_base"))]
    O200kBase,
    /// GPT-3.5 Turbo, babbage-002, davinci-002.
    #[cfg_attr(feature = "serde", serde(rename = "cl100k_base"))]
    Cl100kBase,
}

impl Encoding {
    /// Every encoding this crate can count with.
    pub const ALL: [Encoding; 2] = [Encoding::O200kBase, Encoding::Cl100kBase];

    /// The tiktoken name, e.g. `o200k_base`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    /// Parses a tiktoken name; `None` for encodings this crate does not ship.
    pub fn from_name(name: &str) -> Option<Encoding> {
        Encoding::ALL.into_iter().find(|e| e.name() == name)
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in Encoding::ALL {
            assert_eq!(Encoding::from_name(e.name()), Some(e));
            assert_eq!(e.to_string(), e.name());
        }
        assert_eq!(Encoding::from_name("r50k_base"), None);
    }
}
