//! Checks that turn a regex hit into a finding: check digits (Luhn, My Number), number ranges
//! (SSN, dates), digit counts (phones) and shape (secrets must look random).
//!
//! A validator sees the whole text and the match range, so it can look at what follows.

use std::ops::Range;

/// A named validator from the pattern data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    Luhn,
    MyNumber,
    Ssn,
    Secret,
    Phone,
    JpPhone,
    JpAddress,
    Date,
    /// Issuer range, length and Luhn ([`super::pii::split_cards`]; refines the hit).
    Card,
    /// Country length and mod-97 check digits ([`super::pii::iban_span`]; refines the hit).
    Iban,
    /// 9–12 digits, not a date nor an SSN shape.
    NationalPhone,
    /// Not the password of a URL's `user:password@host`.
    Email,
    /// Credential structure (`src/sensitive/secrets.rs`).
    Token,
    GitHub,
    Jwt,
    PrivateKey,
    AwsKeyId,
}

impl Validator {
    /// Parses a validator name as written in the pattern files.
    pub fn from_name(name: &str) -> Option<Validator> {
        Some(match name {
            "luhn" => Validator::Luhn,
            "mynumber" => Validator::MyNumber,
            "ssn" => Validator::Ssn,
            "secret" => Validator::Secret,
            "phone" => Validator::Phone,
            "jp-phone" => Validator::JpPhone,
            "jp-address" => Validator::JpAddress,
            "date" => Validator::Date,
            "card" => Validator::Card,
            "iban" => Validator::Iban,
            "national-phone" => Validator::NationalPhone,
            "email" => Validator::Email,
            "token" => Validator::Token,
            "github" => Validator::GitHub,
            "jwt" => Validator::Jwt,
            "private-key" => Validator::PrivateKey,
            "aws-key-id" => Validator::AwsKeyId,
            _ => return None,
        })
    }

    /// Whether the match `text[range]` passes.
    pub fn check(self, text: &str, range: Range<usize>) -> bool {
        let Some(m) = text.get(range.clone()) else {
            return false;
        };
        match self {
            Validator::Luhn => luhn(&digits(m)),
            Validator::MyNumber => my_number(&digits(m)),
            Validator::Ssn => ssn(&digits(m)),
            Validator::Secret => secret(m),
            Validator::Phone => (8..=15).contains(&digits(m).len()),
            Validator::JpPhone => digits(m).len() == 10,
            Validator::JpAddress => jp_address_end(&text[range.end..]),
            Validator::Date => date(m),
            Validator::Card => super::pii::card_number(&digits(m)),
            Validator::Iban => super::pii::iban_span(text, range).is_some(),
            Validator::NationalPhone => super::pii::national_phone(m),
            Validator::Email => !in_url_authority(text, range.start),
            Validator::Token => super::secrets::token(m),
            Validator::GitHub => super::secrets::github(m),
            Validator::Jwt => super::secrets::jwt(m),
            Validator::PrivateKey => super::secrets::private_key(m),
            Validator::AwsKeyId => super::secrets::aws_key_id(m),
        }
    }

    /// For validators that cut a hit into the pieces that report (two cards side by side, an
    /// IBAN that the regex ran past): those pieces, already checked. `None`: use [`check`](Self::check).
    pub fn refine(self, text: &str, range: Range<usize>) -> Option<Vec<Range<usize>>> {
        match self {
            Validator::Card => Some(super::pii::split_cards(text, range)),
            Validator::Iban => Some(super::pii::iban_span(text, range).into_iter().collect()),
            _ => None,
        }
    }
}

/// Decimal digit values of `s`, ASCII and full-width (０-９).
pub fn digits(s: &str) -> Vec<u8> {
    s.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c as u8 - b'0'),
            '０'..='９' => Some((c as u32 - '０' as u32) as u8),
            _ => None,
        })
        .collect()
}

/// Luhn mod-10 check over 13–19 digits.
pub fn luhn(d: &[u8]) -> bool {
    if !(13..=19).contains(&d.len()) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// Japanese My Number (個人番号) check digit: weights 6,5,4,3,2,7,6,5,4,3,2 over the first
/// eleven digits from the right-hand end; remainder ≤ 1 → 0, else 11 − remainder.
pub fn my_number(d: &[u8]) -> bool {
    if d.len() != 12 {
        return false;
    }
    let body = &d[..11];
    let sum: u32 = (1..=11)
        .map(|n| {
            let p = u32::from(body[11 - n]);
            let q = if n <= 6 { n as u32 + 1 } else { n as u32 - 5 };
            p * q
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    u32::from(d[11]) == check
}

/// US SSN validity: area not 000, 666 or 900–999; group not 00; serial not 0000.
pub fn ssn(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let num = |s: &[u8]| s.iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    let (area, group, serial) = (num(&d[..3]), num(&d[3..5]), num(&d[5..]));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// The word that ends at `start` (back to whitespace or a quote) holds `://`: what follows is
/// a URL's `user:password@host`, not an e-mail address.
fn in_url_authority(text: &str, start: usize) -> bool {
    let word_start = text[..start]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | '<' | '['))
        .map_or(0, |i| i + 1);
    text[word_start..start].contains("://")
}

/// A credential looks random: upper, lower and digit characters after its prefix, and no run of
/// five identical characters (placeholders: `sk-XXXXXXXX…`, `sk-your-api-key-here…`). Four
/// identical characters do occur in random 40+ character keys.
pub fn secret(m: &str) -> bool {
    let (mut upper, mut lower, mut digit) = (false, false, false);
    let mut run = 0;
    let mut prev = None;
    for c in m.chars() {
        upper |= c.is_ascii_uppercase();
        lower |= c.is_ascii_lowercase();
        digit |= c.is_ascii_digit();
        if Some(c) == prev && c.is_ascii_alphanumeric() {
            run += 1;
            if run >= 4 {
                return false;
            }
        } else {
            run = 0;
        }
        prev = Some(c);
    }
    upper && lower && digit
}

/// A Japanese address ends at its house number: what follows must not turn the number into a
/// count (`3-4人`, `1-2個`, `2-3日`) or a longer number.
fn jp_address_end(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) => !matches!(
            c,
            '人' | '個' | '件' | '回' | '円' | '%' | '％' | '歳' | '年' | '月' | '日' | '時'
                | '分' | '秒' | '名' | '本' | '枚' | '台' | '冊' | '位' | '倍' | '万' | '億'
                | '0'..='9' | '０'..='９'
        ),
    }
}

/// A plausible calendar date: year 1900–2099 (or an era year), month 1–12, day 1–31, in any of
/// the orders the date patterns accept (y-m-d, m/d/y, d/m/y; English month names).
pub fn date(m: &str) -> bool {
    let groups: Vec<u32> = number_groups(m);
    let month_name = month_from_name(m);
    let plausible_year = |y: u32| (1900..=2099).contains(&y);
    let era = ["明治", "大正", "昭和", "平成", "令和"]
        .iter()
        .any(|e| m.contains(e));
    let md = |mo: u32, d: u32| (1..=12).contains(&mo) && (1..=31).contains(&d);
    // A two-digit year (`5/5/91`, `5-May-91`) is as good as a four-digit one: the cue decides.
    let short_year = |y: u32| y <= 99;
    match (month_name, groups.as_slice()) {
        (Some(mo), [d, y]) => md(mo, *d) && (plausible_year(*y) || short_year(*y)),
        (None, [y, mo, d]) if era => (1..=64).contains(y) && md(*mo, *d),
        (None, [mo, d]) if era => md(*mo, *d), // 令和元年…
        (None, [a, b, c]) if plausible_year(*a) => md(*b, *c),
        (None, [a, b, c]) if plausible_year(*c) || short_year(*c) => md(*a, *b) || md(*b, *a),
        _ => false,
    }
}

/// The decimal numbers in `s`, in order (full-width digits included).
fn number_groups(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut cur: Option<u32> = None;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => Some(c as u32 - '0' as u32),
            '０'..='９' => Some(c as u32 - '０' as u32),
            _ => None,
        };
        match (d, cur) {
            (Some(d), Some(v)) => cur = Some(v.saturating_mul(10).saturating_add(d)),
            (Some(d), None) => cur = Some(d),
            (None, Some(v)) => {
                out.push(v);
                cur = None;
            }
            (None, None) => {}
        }
    }
    out.extend(cur);
    out
}

/// Month number from an English month name or abbreviation in `s`.
fn month_from_name(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = s.to_ascii_lowercase();
    let word = lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)))?;
    MONTHS
        .iter()
        .position(|m| word.starts_with(m))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_numbers() {
        assert!(luhn(&digits("4111 1111 1111 1111")));
        assert!(luhn(&digits("5555-5555-5555-4444")));
        assert!(luhn(&digits("378282246310005")));
        assert!(!luhn(&digits("4111 1111 1111 1112")));
        assert!(!luhn(&digits("4111")));
    }

    #[test]
    fn my_number_check_digit() {
        // 12345678901 → check digit 8 (computed by the published formula).
        assert!(my_number(&digits("123456789018")));
        assert!(!my_number(&digits("123456789012")));
        assert!(my_number(&digits("１２３４ ５６７８ ９０１８")));
    }

    #[test]
    fn ssn_ranges() {
        assert!(ssn(&digits("536-22-1234")));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "536-00-1234",
            "536-22-0000",
        ] {
            assert!(!ssn(&digits(bad)), "{bad}");
        }
    }

    #[test]
    fn secrets_must_look_random() {
        assert!(secret("sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2"));
        assert!(!secret("sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX"));
        assert!(!secret("sk-your-api-key-goes-here-now"));
        assert!(secret(
            "github_pat_11AOqOAf1lLQSAJaiXnkU8Is2g8nprvDd53x83rzjZZZZGeo"
        ));
    }

    #[test]
    fn dates() {
        for ok in [
            "1998年9月14日",
            "1998/9/14",
            "1990-03-03",
            "March 3, 1990",
            "3rd of March 1990",
            "平成10年9月14日",
            "3/14/1990",
            "14.03.1990",
            "１９９８年９月１４日",
        ] {
            assert!(date(ok), "{ok}");
        }
        for bad in [
            "1998/13/14",
            "2024-02-40",
            "1700-01-01",
            "May 40, 1990",
            "13/13/1990",
        ] {
            assert!(!date(bad), "{bad}");
        }
    }
}
