//! Redaction: findings never print a whole secret or card number.

/// Redacts a secret: its known prefix, four characters, `…`, the last two characters
/// (`sk-proj-A1b2…t0`). PEM blocks show their header line only. Short values show only the
/// prefix, so at most six characters of the secret itself are ever printed.
pub fn redact_secret(secret: &str) -> String {
    if secret.starts_with("-----BEGIN") {
        let header_end = secret[5..].find("-----").map_or(secret.len(), |i| i + 10);
        return format!("{}…", &secret[..header_end.min(secret.len())]);
    }
    // Known credential prefixes (the patterns' `prefixes`, `rules/sensitive/s001_secret.toml`)
    // stay visible so the reader knows what leaked.
    let prefix = super::patterns::secret_prefixes()
        .iter()
        .find(|p| secret.starts_with(p.as_str()))
        .map_or("", |p| p.as_str());
    let rest: Vec<char> = secret[prefix.len()..].chars().collect();
    if rest.len() < 12 {
        return format!("{prefix}…");
    }
    let head: String = rest[..4].iter().collect();
    let tail: String = rest[rest.len() - 2..].iter().collect();
    format!("{prefix}{head}…{tail}")
}

/// `text` with every secret the built-in patterns find replaced by its redacted form
/// ([`redact_secret`]): for output that shows raw lines outside a finding — the diff of
/// `--fix --dry-run` — so that no key is ever printed whole. Text without a secret is
/// borrowed unchanged.
pub fn mask_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    let scan = super::Scanner::builtin().scan_text_as("user", text);
    let mut spans: Vec<std::ops::Range<usize>> = scan
        .matches
        .iter()
        .filter(|m| m.kind == super::Kind::Secret)
        .map(|m| m.range.clone())
        .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .collect();
    if spans.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    spans.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in spans {
        if r.start < at {
            continue; // overlapping matches: the first one already hid this part
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&redact_secret(&text[r.clone()]));
        at = r.end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// Byte ranges of `raw` holding a secret that the built-in patterns find, ordered and
/// disjoint. `raw` is a JSON line as written (or any text): inside a string literal with escapes
/// the secret is found in the decoded string and mapped back through the escapes, so that a key
/// written as `sk-proj-\u0041…` is found whole; elsewhere (plain literals, broken JSON, text
/// between literals) it is matched as written.
pub fn secret_ranges_in_raw(raw: &str) -> Vec<std::ops::Range<usize>> {
    let scanner = super::Scanner::builtin();
    let secrets = |text: &str| -> Vec<std::ops::Range<usize>> {
        scanner
            .scan_text_as("user", text)
            .matches
            .into_iter()
            .filter(|m| m.kind == super::Kind::Secret)
            .map(|m| m.range)
            .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
            .collect()
    };
    let mut out = secrets(raw);
    let b = raw.as_bytes();
    let mut i = 0;
    while let Some(q) = memchr::memchr(b'"', &b[i..]) {
        let start = i + q;
        let mut j = start + 1;
        let mut escaped = false;
        while j < b.len() && b[j] != b'"' {
            if b[j] == b'\\' {
                escaped = true;
                j += 1;
            }
            j += 1;
        }
        if j >= b.len() {
            break;
        }
        i = j + 1;
        if !escaped {
            continue; // as written: already scanned above
        }
        let literal = &raw[start..=j];
        let Some(decoded) = crate::escapes::decode(literal.as_bytes()) else {
            continue;
        };
        let found = secrets(&decoded);
        drop(decoded);
        // The escape map (32 bytes an escape: several times a long escaped string's size) only
        // when there is something to map back.
        if found.is_empty() {
            continue;
        }
        let Some(map) = crate::escapes::EscapeMap::new(literal.as_bytes()) else {
            continue;
        };
        for r in found {
            if let Some(r) = map.range_to_raw(r) {
                out.push(start + r.start..start + r.end);
            }
        }
    }
    out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut disjoint: Vec<std::ops::Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match disjoint.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => disjoint.push(r),
        }
    }
    disjoint
}

/// `raw` (a JSON line as written) with every secret of [`secret_ranges_in_raw`] replaced by its
/// redacted form ([`redact_secret`] of the raw text): the diff of `--fix --dry-run` shows lines
/// this way, so that no key is printed whole, not even behind `\u` escapes.
pub fn mask_secrets_in_raw(raw: &str) -> std::borrow::Cow<'_, str> {
    let ranges = secret_ranges_in_raw(raw);
    if ranges.is_empty() {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(&raw[at..r.start]);
        out.push_str(&redact_secret(&raw[r.clone()]));
        at = r.end;
    }
    out.push_str(&raw[at..]);
    std::borrow::Cow::Owned(out)
}

/// Masks all digits but the last four (`•••• •••• •••• 1111`, `•••-••-6789`), keeping separators.
pub fn mask_digits(value: &str) -> String {
    let total = value
        .chars()
        .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count();
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                seen += 1;
                if seen + 4 <= total {
                    return '•';
                }
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_like_the_issue_says() {
        assert_eq!(
            redact_secret("sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"),
            "sk-proj-A1b2…t0"
        );
        assert_eq!(redact_secret("AKIAZ7Q3J5K2L8M4N6P1"), "AKIAZ7Q3…P1");
        assert_eq!(redact_secret("sk-short"), "sk-…");
        assert_eq!(
            redact_secret("-----BEGIN RSA PRIVATE KEY-----\nMIIEow…"),
            "-----BEGIN RSA PRIVATE KEY-----…"
        );
    }

    #[test]
    fn the_longest_known_prefix_stays_visible() {
        // From the patterns' `prefixes` data, longest first.
        assert_eq!(
            redact_secret("xoxe.xoxp-1-Mi0yLTM0MTQwODE0NjU3MjktMzQ"),
            "xoxe.xoxp-1-Mi…zQ"
        );
        assert_eq!(
            redact_secret("glagent-AbCdEfGhIjKlMnOpQrStUv"),
            "glagent-AbCd…Uv"
        );
        assert_eq!(
            redact_secret("sk-ant-api03-Zz9yXx8wVv7uUt6"),
            "sk-ant-api03-Zz9y…t6"
        );
        // Not a known prefix: nothing is kept beyond four characters.
        assert_eq!(redact_secret("zz_AbCdEfGhIjKlMnOp"), "zz_A…Op");
    }

    #[test]
    fn secrets_behind_escapes_are_found_whole() {
        let raw = r#"{"content": "key sk-proj-\u0041b1C2d3E4f5G6h7I8j9K0l1M2n3 and \"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\""}"#;
        let masked = mask_secrets_in_raw(raw);
        assert!(!masked.contains("b1C2d3E4f5G6h7I8j9K0l1M2n3"), "{masked}");
        assert!(
            !masked.contains("NxSIvPZZ63fFKcZjR4I0b3jRtaWr4Y04VKEn"),
            "{masked}"
        );
        assert_eq!(secret_ranges_in_raw(raw).len(), 2);
        assert_eq!(mask_secrets_in_raw("no secret"), "no secret");
    }

    #[test]
    fn masks_all_but_last_four() {
        assert_eq!(mask_digits("4111 1111 1111 1111"), "•••• •••• •••• 1111");
        assert_eq!(mask_digits("536-22-1234"), "•••-••-1234");
    }
}
