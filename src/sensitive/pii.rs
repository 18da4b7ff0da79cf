//! Validators of personal-data numbers whose facts are tables: payment cards (issuer ranges and
//! lengths, `rules/sensitive/data/card_iin.toml`), IBANs (country lengths,
//! `rules/sensitive/data/iban_registry.toml`) and national-format phone numbers.
//!
//! Cards and IBANs *refine* a regex hit rather than accept or reject it: a run of digit groups
//! may hold two card numbers side by side, and an IBAN regex may run on into the next word; the
//! refined pieces are what reports.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use serde::Deserialize;

use super::validators::{digits, luhn};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IinFile {
    iin: Vec<Iin>,
}

/// One network's issuer ranges and lengths.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Iin {
    #[allow(dead_code)] // documentation of the entry; messages do not name the network
    network: String,
    ranges: Vec<(String, String)>,
    lengths: Vec<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IbanFile {
    lengths: BTreeMap<String, usize>,
}

static IIN: LazyLock<Vec<Iin>> = LazyLock::new(|| {
    let f: IinFile = toml::from_str(include_str!("../../rules/sensitive/data/card_iin.toml"))
        .expect("card_iin.toml is valid (tested)");
    f.iin
});

static IBAN_LENGTHS: LazyLock<BTreeMap<String, usize>> = LazyLock::new(|| {
    let f: IbanFile = toml::from_str(include_str!(
        "../../rules/sensitive/data/iban_registry.toml"
    ))
    .expect("iban_registry.toml is valid (tested)");
    f.lengths
});

/// A card number: an issuer range holds its first digits, its length is one the network
/// issues, and its Luhn check digit is valid.
pub fn card_number(d: &[u8]) -> bool {
    if !(12..=19).contains(&d.len()) || !luhn_any(d) {
        return false;
    }
    let s: String = d.iter().map(|x| char::from(b'0' + x)).collect();
    IIN.iter().any(|iin| {
        iin.lengths.contains(&d.len())
            && iin.ranges.iter().any(|(from, to)| {
                let p = &s[..from.len().min(s.len())];
                from.len() == to.len() && p >= from.as_str() && p <= to.as_str()
            })
    })
}

/// Luhn over 12–19 digits (Maestro issues twelve).
fn luhn_any(d: &[u8]) -> bool {
    if d.len() == 12 {
        // `luhn` starts at 13 digits: prefix a zero, which does not change the sum.
        let mut z = vec![0];
        z.extend_from_slice(d);
        return luhn(&z);
    }
    luhn(d)
}

/// The card numbers in a run of digit groups (`4111 1111 1111 1111 5500 0000 0000 0004` holds
/// two): from the first group, the longest run of whole groups that is a card number; after a
/// card, the search resumes at the next group. Digit runs right after an IBAN's country code and
/// check digits (`DE89 3704 …`) are the IBAN's, never a card.
pub fn split_cards(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let before = &text.as_bytes()[..range.start];
    if let [.., a, b, c, d, sep] = before {
        if a.is_ascii_uppercase()
            && b.is_ascii_uppercase()
            && c.is_ascii_digit()
            && d.is_ascii_digit()
            && matches!(sep, b' ' | b'-')
        {
            return Vec::new();
        }
    }
    // Groups: maximal runs of ASCII digits, with their byte ranges.
    let m = &text[range.clone()];
    let mut groups: Vec<Range<usize>> = Vec::new();
    let mut start = None;
    for (i, c) in m.char_indices() {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                groups.push(range.start + s..range.start + i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        groups.push(range.start + s..range.end);
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < groups.len() {
        let mut best: Option<usize> = None;
        let mut n = 0;
        for (j, g) in groups.iter().enumerate().skip(i) {
            n += g.len();
            if n > 19 {
                break;
            }
            if n >= 12 && card_number(&digits(&text[groups[i].start..g.end])) {
                best = Some(j);
            }
        }
        match best {
            Some(j) => {
                out.push(groups[i].start..groups[j].end);
                i = j + 1;
            }
            // Only the run's start or the group after a card starts a card: a card number
            // begins where its digits begin, not inside an order or tracking number.
            None => break,
        }
    }
    out
}

/// The IBAN at the start of a regex hit: its country's length of letters and digits (spaces
/// between groups allowed), followed by no further letter or digit, with valid check digits.
pub fn iban_span(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    if text[..range.start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let m = &text[range.clone()];
    let want = *IBAN_LENGTHS.get(m.get(..2)?)?;
    let mut count = 0;
    let mut end = None;
    let mut compact = String::with_capacity(want);
    for (i, c) in m.char_indices() {
        if c.is_ascii_alphanumeric() {
            count += 1;
            compact.push(c);
            if count == want {
                end = Some(i + 1);
                break;
            }
        }
    }
    let end = range.start + end?;
    if text[end..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    mod97(&compact).then_some(range.start..end)
}

/// ISO 7064 mod 97-10 over an IBAN: the first four characters moved to the end, letters as
/// 10–35, the number modulo 97 is 1.
pub fn mod97(iban: &str) -> bool {
    let b = iban.as_bytes();
    if b.len() < 5 || !b[..2].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let mut r: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r == 1
}

/// A national-format phone number (trunk prefix `0` + area code, or a mobile number): 9–12
/// digits, and not a date (`05.05.2021 1030`), an SSN shape (`078-05-1123`) nor an id in groups
/// of four (`0673-2397-8196`).
pub fn national_phone(m: &str) -> bool {
    let d = digits(m);
    if !(9..=12).contains(&d.len()) {
        return false;
    }
    let groups: Vec<&str> = m
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let num = |s: &str| s.parse::<u32>().unwrap_or(u32::MAX);
    if let [a, b, c, ..] = groups.as_slice() {
        let date_like = a.len() <= 2
            && b.len() <= 2
            && (c.len() == 4 || c.len() == 2)
            && (1..=31).contains(&num(a))
            && (1..=31).contains(&num(b))
            && m[a.len()..].starts_with(['.', '/', '-'])
            && (num(a) <= 12 || num(b) <= 12);
        // French numbers are written in five pairs (06.24.08.45.09), which begin like a date.
        let pairs = groups.len() == 5 && groups.iter().all(|g| g.len() == 2);
        let date_like = date_like && !pairs;
        let ssn_like = groups.len() == 3 && a.len() == 3 && b.len() == 2 && c.len() == 4;
        // 0673-2397-8196: three groups of four is how order and inquiry numbers are written;
        // no national plan groups a phone number so.
        let id_like = groups.len() >= 3 && groups.iter().all(|g| g.len() == 4);
        if date_like || ssn_like || id_like {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert!(IIN.len() >= 15);
        assert_eq!(IBAN_LENGTHS.get("DE"), Some(&22));
    }

    #[test]
    fn cards_by_network() {
        for ok in [
            "4111111111111111",
            "5555555555554444",
            "2223003122003222",
            "378282246310005",
            "30569309025904",
            "6011000400000000",
            "3528000700000000",
            "6759649826438453",
            "5019717010103742",
            "122000000000003",
            "6200000000000005",
            "2200000000000004",
        ] {
            assert!(card_number(&digits(ok)), "{ok}");
        }
        for bad in ["4012888888881882", "36168002586008", "9111111111111111"] {
            assert!(!card_number(&digits(bad)), "{bad}");
        }
    }

    #[test]
    fn two_cards_side_by_side() {
        let t = "4111 1111 1111 1111 5500 0000 0000 0004";
        let got = split_cards(t, 0..t.len());
        assert_eq!(got, vec![0..19, 20..39]);
        let iban = "DE89 3704 0044 0532 0130 00";
        assert!(split_cards(iban, 5..iban.len()).is_empty());
    }

    #[test]
    fn iban_check_digits_and_length() {
        let t = "DE89 3704 0044 0532 0130 00 EUR";
        assert_eq!(iban_span(t, 0..t.len()), Some(0..27));
        assert!(iban_span("DE89 3704 0044 0532 0130 01", 0..27).is_none());
        assert!(iban_span("DE89370400440532013000123", 0..25).is_none());
        assert!(mod97("GB29NWBK60161331926819"));
        assert!(mod97("MT84MALT011000012345MTLCAST001S"));
    }

    #[test]
    fn national_phones() {
        assert!(national_phone("020 7946 0958"));
        assert!(national_phone("09-7625400"));
        assert!(!national_phone("05.05.2021 1030"));
        assert!(!national_phone("078-05-1123"));
        assert!(!national_phone("030 1234"));
        assert!(!national_phone("0673-2397-8196"));
    }
}
