//! Columns as the client counts them. LSP positions are (line, character), where a character
//! is a UTF-16 code unit unless the client offers another `positionEncoding` at `initialize`;
//! the engine counts bytes. An emoji is 4 bytes, 2 UTF-16 units and 1 scalar value, so a
//! finding after one is at a different `character` in each encoding.

use lsp_types::PositionEncodingKind;

/// The encoding negotiated at `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    /// The protocol's default, and the only one every client supports.
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// The client's preference, in its order, among those we speak; UTF-16 when it offers none
    /// (as the protocol says).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        offered
            .unwrap_or_default()
            .iter()
            .find_map(|k| match k.as_str() {
                "utf-8" => Some(Encoding::Utf8),
                "utf-16" => Some(Encoding::Utf16),
                "utf-32" => Some(Encoding::Utf32),
                _ => None,
            })
            .unwrap_or_default()
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The `character` of byte `at` of `line` (clamped to the line, and down to a character
    /// boundary).
    pub fn column(self, line: &str, at: usize) -> u32 {
        let at = floor(line, at.min(line.len()));
        let prefix = &line[..at];
        let n = match self {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => prefix.chars().count(),
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The byte of `line` at `character` (past the end: the line's length; inside a character,
    /// as a client that splits a surrogate pair sends: that character's start).
    pub fn byte(self, line: &str, character: u32) -> usize {
        let want = character as usize;
        if self == Encoding::Utf8 {
            return floor(line, want.min(line.len()));
        }
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            let width = match self {
                Encoding::Utf16 => c.len_utf16(),
                _ => 1,
            };
            if units + width > want {
                return i;
            }
            units += width;
        }
        line.len()
    }
}

/// The largest character boundary of `s` at or before `i`.
pub fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emoji_is_four_bytes_two_units_one_character() {
        let line = "a😀b";
        assert_eq!(Encoding::Utf8.column(line, 5), 5);
        assert_eq!(Encoding::Utf16.column(line, 5), 3);
        assert_eq!(Encoding::Utf32.column(line, 5), 2);
        assert_eq!(Encoding::Utf16.byte(line, 3), 5);
        assert_eq!(Encoding::Utf32.byte(line, 2), 5);
        // Between the two halves of the surrogate pair: the emoji's start.
        assert_eq!(Encoding::Utf16.byte(line, 2), 1);
        // Inside the emoji's bytes: its start.
        assert_eq!(Encoding::Utf8.byte(line, 3), 1);
        assert_eq!(Encoding::Utf16.byte(line, 99), line.len());
    }

    #[test]
    fn the_clients_first_known_offer_wins() {
        let offer = |k: &[&'static str]| {
            let kinds: Vec<_> = k.iter().map(|s| PositionEncodingKind::new(s)).collect();
            Encoding::negotiate(Some(&kinds))
        };
        assert_eq!(offer(&["utf-32", "utf-16"]), Encoding::Utf32);
        assert_eq!(offer(&["x-weird", "utf-8"]), Encoding::Utf8);
        assert_eq!(offer(&[]), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
