//! Regexes compiled on first use. The built-in set is ~45 Unicode-heavy regexes that take ~13 ms
//! to compile — more than checking a small file — while a typical file triggers only a few of
//! them. Built-in ones compile lazily (a test compiles every one, so that cannot fail at run
//! time); the user's own are compiled up front, so that a bad one is a config error at start.

use std::ops::Deref;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use super::ScannerError;

/// Compile limits: the Japanese address pattern with Unicode classes needs more than the
/// default 10 MB; these bound memory while allowing it.
const SIZE_LIMIT: usize = 64 << 20;

pub(crate) fn compile(what: &str, re: &str) -> Result<Regex, ScannerError> {
    RegexBuilder::new(re)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|source| ScannerError::InvalidRegex {
            what: what.to_string(),
            source,
        })
}

/// Calls `f` with the span of group `group` (if it took part) of each match of `re` in `text`,
/// the matches that `captures_iter` yields, in order. One set of capture slots serves every
/// match: `captures_iter` allocates a copy for each, and a name pattern matches `お客様` on every
/// line of customer-service text.
///
/// The loop is `regex`'s own (`regex_automata::util::iter::Searcher::try_advance`): the next
/// search starts at the end of the last match, and an empty match at that end is replaced by a
/// search one byte further on. A test holds it to `captures_iter`.
pub(crate) fn each_group(
    re: &Regex,
    group: usize,
    text: &str,
    mut f: impl FnMut(Option<(usize, usize)>),
) {
    let mut locs = re.capture_locations();
    let mut start = 0;
    let mut last_end = None;
    while let Some(mut m) = re.captures_read_at(&mut locs, text, start) {
        if m.start() == m.end() && Some(m.end()) == last_end {
            start += 1;
            if start > text.len() {
                return;
            }
            match re.captures_read_at(&mut locs, text, start) {
                Some(next) => m = next,
                None => return,
            }
        }
        start = m.end();
        last_end = Some(m.end());
        f(locs.get(group));
    }
}

#[derive(Debug)]
pub(crate) struct LazyRegex {
    source: String,
    regex: OnceLock<Regex>,
}

impl LazyRegex {
    /// A built-in regex, compiled when first used.
    pub fn lazy(source: &str) -> LazyRegex {
        LazyRegex {
            source: source.to_string(),
            regex: OnceLock::new(),
        }
    }

    /// A user's regex, compiled now.
    pub fn eager(what: &str, source: &str) -> Result<LazyRegex, ScannerError> {
        let regex = OnceLock::new();
        let _ = regex.set(compile(what, source)?);
        Ok(LazyRegex {
            source: source.to_string(),
            regex,
        })
    }

    /// Either kind: `eager` for user input, `lazy` for the tested built-in data.
    pub fn new(what: &str, source: &str, user: bool) -> Result<LazyRegex, ScannerError> {
        if user {
            LazyRegex::eager(what, source)
        } else {
            Ok(LazyRegex::lazy(source))
        }
    }

    #[cfg(test)]
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex.get_or_init(|| {
            // Only built-in regexes get here uncompiled, and a test compiles all of them.
            compile("built-in sensitive pattern", &self.source).unwrap_or_else(|e| panic!("{e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `each_group` yields what `captures_iter` does, empty matches and multi-byte text included.
    #[test]
    fn each_group_is_captures_iter() {
        let regexes = [
            r"(?P<m>a*)",
            r"a*(?P<m>b)?",
            r"(?P<m>\b)",
            r"(?m)^(?P<m>)",
            r"(?P<m>[\p{Han}]{1,2})(?:様|さん)?",
            r"x|(?P<m>)",
            r"(?P<m>\d+)-?",
            r"",
        ];
        let texts = [
            "",
            "a",
            "aab",
            "bab a",
            "田中様と山田さん",
            "é日x本\n\nab",
            "12-345 6",
            "ééé",
        ];
        for r in regexes {
            let re = compile("test", r).unwrap();
            let g = re.capture_names().position(|n| n == Some("m")).unwrap_or(0);
            for t in texts {
                let want: Vec<Option<(usize, usize)>> = re
                    .captures_iter(t)
                    .map(|c| c.get(g).map(|m| (m.start(), m.end())))
                    .collect();
                let mut got = Vec::new();
                each_group(&re, g, t, |m| got.push(m));
                assert_eq!(got, want, "{r:?} on {t:?}");
            }
        }
    }
}
