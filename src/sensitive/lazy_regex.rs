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
        .map_err(|e| ScannerError(format!("{what}: invalid regex: {e}")))
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
            compile("built-in sensitive pattern", &self.source)
                .unwrap_or_else(|e| panic!("{}", e.0))
        })
    }
}
