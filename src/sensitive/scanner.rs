//! The compiled scanner. One pass over a text decides which patterns can match: an Aho-Corasick
//! automaton over every pattern's trigger literals, plus a count of the longest digit cluster.
//! Only those patterns' regexes then run for positions; hits are validated, allow-listed and
//! de-overlapped.
//!
//! Why not a `RegexSet`: with ~30 Unicode-heavy patterns its lazy DFA thrashes and falls back to
//! slower engines (measured ~10 MB/s on chat text); individual regexes with literal prefilters run
//! at hundreds of MB/s, and most texts trigger only a few of them.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Arc, LazyLock, OnceLock};

use super::lazy_regex::{each_group, LazyRegex};
use super::patterns::{self, PatternDef, PatternFile};
use super::prefilter::Prefilter;
use super::profile::FactKind;
use super::validators::Validator;
use super::{Kind, ScannerError};

/// One compiled `[[pattern]]`.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub id: Arc<str>,
    pub kind: Kind,
    pub label: Arc<str>,
    regex: LazyRegex,
    /// Index of the group named `m` (the reported span), if any; known once `regex` compiles.
    group_m: OnceLock<Option<usize>>,
    validator: Option<Validator>,
    context: Option<LazyRegex>,
    isolated: bool,
    allow: HashSet<String>,
    allow_regex: Vec<LazyRegex>,
    pub fact: Option<FactKind>,
}

/// One `[[name]]` regex.
#[derive(Debug)]
struct NamePattern {
    regex: LazyRegex,
    /// Index of the group named `name`, if any; known once `regex` compiles.
    group: OnceLock<Option<usize>>,
}

/// A validated hit of pattern `pattern` at `range` of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub pattern: usize,
    pub range: Range<usize>,
}

/// Everything one pass over one text found.
#[derive(Debug, Default)]
pub(crate) struct TextScan {
    pub hits: Vec<Hit>,
    /// Birth cues (S009), by range.
    pub cues: Vec<Range<usize>>,
    /// Person names: range of the name, the name as written (whitespace normalised).
    pub names: Vec<(Range<usize>, String)>,
}

/// Extra configuration on top of the built-in patterns: the config's `[sensitive]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScannerOptions {
    /// Additional patterns, same fields as `rules/sensitive/*.toml` `[[pattern]]`.
    #[serde(default)]
    pub patterns: Vec<PatternDef>,
    /// Matched texts that never report, whatever the pattern.
    #[serde(default)]
    pub allow: Vec<String>,
    /// A match containing a match of one of these regexes never reports.
    #[serde(default)]
    pub allow_regex: Vec<String>,
    /// Override of S006's minimum number of fact kinds about one person.
    #[serde(default)]
    pub min_profile_kinds: Option<usize>,
}

/// The S-family scanner. Compile once (the built-in one is [`Scanner::builtin`]), share across
/// threads (`Sync`), call [`Scanner::scan_example`] per line.
#[derive(Debug)]
pub struct Scanner {
    pub(crate) patterns: Vec<Pattern>,
    /// Which regexes to run on a text ("consumers": `patterns` in order, then the birth cue,
    /// then the name patterns).
    prefilter: Prefilter,
    pub(crate) cue: LazyRegex,
    pub(crate) block: Option<LazyRegex>,
    pub(crate) not_person: Option<LazyRegex>,
    pub(crate) window_before: usize,
    pub(crate) window_after: usize,
    names: Vec<NamePattern>,
    pub(crate) attributes: Vec<(FactKind, LazyRegex)>,
    pub(crate) question: LazyRegex,
    pub(crate) refusal: LazyRegex,
    stop_names: HashSet<String>,
    pub(crate) min_kinds: usize,
    allow: HashSet<String>,
    /// The allow-list normalised: (its digits, its words lower-cased and single-spaced).
    allow_values: Vec<(String, String)>,
    allow_regex: Vec<LazyRegex>,
}

/// Lower case, words joined by one space.
fn normalize_words(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

static BUILTIN: LazyLock<Scanner> = LazyLock::new(|| {
    // The built-in data is tested; failing here is a build defect, not an input problem.
    Scanner::new(&ScannerOptions::default()).expect("built-in sensitive patterns compile")
});

impl Scanner {
    /// The scanner of the built-in patterns, compiled on first use.
    pub fn builtin() -> &'static Scanner {
        &BUILTIN
    }

    /// Compiles the built-in patterns plus `options` (user patterns and allow-lists).
    pub fn new(options: &ScannerOptions) -> Result<Scanner, ScannerError> {
        let mut data: PatternFile = patterns::builtin()?;
        let builtin = data.pattern.len();
        data.pattern.extend(options.patterns.iter().cloned());
        let birth = data
            .birth
            .ok_or(ScannerError::MissingSection { section: "birth" })?;
        let profile = data
            .profile
            .ok_or(ScannerError::MissingSection { section: "profile" })?;

        let mut seen_ids = HashSet::new();
        let mut compiled = Vec::with_capacity(data.pattern.len());
        for (i, def) in data.pattern.iter().enumerate() {
            if !seen_ids.insert(def.id.clone()) {
                return Err(ScannerError::DuplicateId { id: def.id.clone() });
            }
            compiled.push(compile_pattern(def, i >= builtin)?);
        }
        // Names, attributes, cues and the profile's regexes are built-in only.
        let names = data
            .name
            .iter()
            .map(|n| NamePattern {
                regex: LazyRegex::lazy(&n.regex),
                group: OnceLock::new(),
            })
            .collect::<Vec<_>>();
        let attributes = data
            .attribute
            .iter()
            .map(|a| {
                let kind = FactKind::from_name(&a.kind).ok_or_else(|| {
                    ScannerError::UnknownAttributeKind {
                        kind: a.kind.clone(),
                    }
                })?;
                Ok((kind, LazyRegex::lazy(&a.regex)))
            })
            .collect::<Result<Vec<_>, ScannerError>>()?;

        // Consumers, in the order `scan_text` dispatches on: patterns, cue, names.
        let mut consumers: Vec<(&[String], usize)> = data
            .pattern
            .iter()
            .map(|p| (p.triggers.as_slice(), p.min_digits))
            .collect();
        consumers.push((&birth.cue_triggers, 0));
        consumers.extend(data.name.iter().map(|n| (n.triggers.as_slice(), 0)));
        let prefilter = Prefilter::new(&consumers)?;

        Ok(Scanner {
            patterns: compiled,
            prefilter,
            cue: LazyRegex::lazy(&birth.cue),
            block: birth.block.as_deref().map(LazyRegex::lazy),
            not_person: birth.not_person.as_deref().map(LazyRegex::lazy),
            window_before: birth.window_before,
            window_after: birth.window_after,
            names,
            attributes,
            question: LazyRegex::lazy(&profile.question),
            refusal: LazyRegex::lazy(&profile.refusal),
            stop_names: profile.stop_names.into_iter().collect(),
            min_kinds: options.min_profile_kinds.unwrap_or(profile.min_kinds),
            allow: options.allow.iter().cloned().collect(),
            allow_values: options
                .allow
                .iter()
                .map(|a| {
                    let digits = a.chars().filter(char::is_ascii_digit).collect();
                    (digits, normalize_words(a))
                })
                .collect(),
            allow_regex: options
                .allow_regex
                .iter()
                .map(|r| LazyRegex::eager("allow-regex", r))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Every regex of the scanner, compiled lazily or not (tests compile them all).
    #[cfg(test)]
    pub(crate) fn regexes(&self) -> Vec<&LazyRegex> {
        let mut all: Vec<&LazyRegex> = Vec::new();
        for p in &self.patterns {
            all.push(&p.regex);
            all.extend(&p.context);
            all.extend(&p.allow_regex);
        }
        all.push(&self.cue);
        all.extend(&self.block);
        all.extend(&self.not_person);
        all.extend(self.names.iter().map(|n| &n.regex));
        all.extend(self.attributes.iter().map(|(_, r)| r));
        all.extend([&self.question, &self.refusal]);
        all.extend(&self.allow_regex);
        all
    }

    /// S006's minimum number of fact kinds (from the data or the options).
    pub fn min_profile_kinds(&self) -> usize {
        self.min_kinds
    }

    /// One pass over `text`: validated pattern hits (de-overlapped), birth cues and names.
    pub(crate) fn scan_text(&self, text: &str) -> TextScan {
        let mut out = TextScan::default();
        if text.is_empty() {
            return out;
        }
        let n = self.patterns.len();
        for idx in self.prefilter.active(text) {
            if idx < n {
                self.collect_hits(idx, text, &mut out.hits);
            } else if idx == n {
                out.cues.extend(self.cue.find_iter(text).map(|m| m.range()));
            } else {
                self.collect_names(&self.names[idx - n - 1], text, &mut out.names);
            }
        }
        out.hits = resolve_overlaps(out.hits, &self.patterns);
        out.names.sort_by_key(|(r, _)| r.start);
        out
    }

    fn collect_hits(&self, idx: usize, text: &str, hits: &mut Vec<Hit>) {
        let p = &self.patterns[idx];
        // The context regex runs at most once per text, and only if something matched.
        let mut context_ok: Option<bool> = None;
        let mut push = |range: Range<usize>| {
            if range.is_empty() || (p.isolated && !isolated(text, &range)) {
                return;
            }
            // A refining validator (cards, IBANs) cuts the hit into the pieces that report,
            // already validated.
            match p.validator.and_then(|v| v.refine(text, range.clone())) {
                Some(pieces) => {
                    for piece in pieces {
                        self.push_checked(idx, text, piece, false, &mut context_ok, hits);
                    }
                }
                None => self.push_checked(idx, text, range, true, &mut context_ok, hits),
            }
        };
        let group_m = *p
            .group_m
            .get_or_init(|| p.regex.capture_names().position(|n| n == Some("m")));
        match group_m {
            Some(g) => each_group(&p.regex, g, text, |m| {
                if let Some((start, end)) = m {
                    push(start..end);
                }
            }),
            None => {
                for m in p.regex.find_iter(text) {
                    push(m.range());
                }
            }
        }
    }

    /// Allow-lists, the validator (unless already applied) and the context, then the hit.
    fn push_checked(
        &self,
        idx: usize,
        text: &str,
        range: Range<usize>,
        validate: bool,
        context_ok: &mut Option<bool>,
        hits: &mut Vec<Hit>,
    ) {
        let p = &self.patterns[idx];
        let m = &text[range.clone()];
        if p.allow.contains(m)
            || self.allow.contains(m)
            || self.allowed_value(p.kind, m)
            || p.allow_regex.iter().any(|r| r.is_match(m))
            || self.allow_regex.iter().any(|r| r.is_match(m))
        {
            return;
        }
        if validate {
            if let Some(v) = p.validator {
                if !v.check(text, range.clone()) {
                    return;
                }
            }
        }
        if let Some(ctx) = &p.context {
            if !*context_ok.get_or_insert_with(|| ctx.is_match(text)) {
                return;
            }
        }
        hits.push(Hit {
            pattern: idx,
            range,
        });
    }

    /// The configured allow-list, however the value is written: a phone number by its digits
    /// (`1-800-273-8255` allows `(800) 273-8255` and `+1 800 273 8255`: one ends with the
    /// other, seven digits at least), anything else case- and whitespace-insensitively
    /// (`1 Infinite Loop` allows `1 infinite  loop`).
    fn allowed_value(&self, kind: Kind, m: &str) -> bool {
        if self.allow_values.is_empty() {
            return false;
        }
        if kind == Kind::PhoneNumber {
            let d: String = m.chars().filter(char::is_ascii_digit).collect();
            return self.allow_values.iter().any(|(digits, _)| {
                let (short, long) = if digits.len() <= d.len() {
                    (digits.as_str(), d.as_str())
                } else {
                    (d.as_str(), digits.as_str())
                };
                short.len() >= 7 && long.ends_with(short)
            });
        }
        let norm = normalize_words(m);
        self.allow_values.iter().any(|(_, words)| *words == norm)
    }

    fn collect_names(&self, np: &NamePattern, text: &str, names: &mut Vec<(Range<usize>, String)>) {
        let re = &np.regex;
        // Without a `name` group a pattern names nobody.
        let group = np
            .group
            .get_or_init(|| re.capture_names().position(|n| n == Some("name")));
        let Some(g) = *group else { return };
        each_group(re, g, text, |m| {
            let Some((start, end)) = m else { return };
            // Words joined by one space. Most names (and stop names such as `客`) have no
            // whitespace at all: borrow those instead of rebuilding them.
            let raw = &text[start..end];
            let name: Cow<str> = if raw.contains(char::is_whitespace) {
                Cow::Owned(
                    raw.split(char::is_whitespace)
                        .filter(|w| !w.is_empty())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            } else {
                Cow::Borrowed(raw)
            };
            let first = name.split(' ').next().unwrap_or("");
            if name.is_empty()
                || self.stop_names.contains(name.as_ref())
                || (name.is_ascii() && self.stop_names.contains(first))
            {
                return;
            }
            if !names.iter().any(|(r, _)| r.start == start) {
                names.push((start..end, name.into_owned()));
            }
        });
    }
}

/// One `[[pattern]]`; a `user` one's regexes are compiled now, to report errors at start.
fn compile_pattern(def: &PatternDef, user: bool) -> Result<Pattern, ScannerError> {
    let kind = Kind::from_pattern_code(&def.code).ok_or_else(|| ScannerError::UnknownCode {
        id: def.id.clone(),
        code: def.code.clone(),
    })?;
    if user && !def.prefixes.is_empty() {
        return Err(ScannerError::UserPrefixes { id: def.id.clone() });
    }
    let what = format!("pattern `{}`", def.id);
    let regex = LazyRegex::new(&what, &def.regex, user)?;
    let validator = match &def.validator {
        None => None,
        Some(v) => Some(
            Validator::from_name(v).ok_or_else(|| ScannerError::UnknownValidator {
                id: def.id.clone(),
                validator: v.clone(),
            })?,
        ),
    };
    let fact = match &def.fact {
        None => None,
        Some(f) => Some(
            FactKind::from_name(f).ok_or_else(|| ScannerError::UnknownFactKind {
                id: def.id.clone(),
                kind: f.clone(),
            })?,
        ),
    };
    Ok(Pattern {
        id: def.id.as_str().into(),
        kind,
        label: def.label.as_str().into(),
        regex,
        group_m: OnceLock::new(),
        validator,
        context: def
            .context
            .as_deref()
            .map(|c| LazyRegex::new(&what, c, user))
            .transpose()?,
        isolated: def.isolated,
        allow: def.allow.iter().cloned().collect(),
        allow_regex: def
            .allow_regex
            .iter()
            .map(|r| LazyRegex::new(&what, r, user))
            .collect::<Result<_, _>>()?,
        fact,
    })
}

/// Letters and digits a match must not touch (ASCII and full-width forms).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || ('０'..='９').contains(&c)
        || ('Ａ'..='Ｚ').contains(&c)
        || ('ａ'..='ｚ').contains(&c)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Separators that, followed by a digit, continue a number (`1.2.3.4`, `978-4-06-…`, `12:30`).
fn is_number_sep(c: char) -> bool {
    matches!(
        c,
        '-' | '.' | '/' | ':' | ',' | '－' | '−' | '‐' | '／' | '+'
    )
}

/// The match stands alone: no letter/digit right before or after it, and no `-digit`, `.digit`…
/// continuing a longer number on either side.
fn isolated(text: &str, r: &Range<usize>) -> bool {
    let mut before = text[..r.start].chars().rev();
    let mut after = text[r.end..].chars();
    for side in [&mut before as &mut dyn Iterator<Item = char>, &mut after] {
        match side.next() {
            Some(c) if is_word(c) => return false,
            Some(c) if is_number_sep(c) && side.next().is_some_and(is_digit) => return false,
            _ => {}
        }
    }
    true
}

/// Drops hits overlapping a better one (higher rank, or same rank and earlier/longer), and
/// returns the rest ordered by position.
fn resolve_overlaps(mut hits: Vec<Hit>, patterns: &[Pattern]) -> Vec<Hit> {
    if hits.len() < 2 {
        return hits;
    }
    hits.sort_by(|a, b| {
        (a.range.start, std::cmp::Reverse(a.range.end))
            .cmp(&(b.range.start, std::cmp::Reverse(b.range.end)))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    'next: for h in hits {
        let hr = patterns[h.pattern].kind.rank();
        // Overlaps are local: look back over the few kept hits that can still reach `h`.
        let mut i = kept.len();
        let mut looked = 0;
        while i > 0 && looked < 16 {
            i -= 1;
            looked += 1;
            let k = &kept[i];
            if k.range.end <= h.range.start {
                continue;
            }
            if hr < patterns[k.pattern].kind.rank() {
                kept.remove(i);
            } else {
                continue 'next;
            }
        }
        kept.push(h);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in regexes compile lazily at run time: here every one must compile, and each
    /// name pattern must have its `name` group.
    #[test]
    fn every_builtin_regex_compiles() {
        let s = Scanner::builtin();
        for r in s.regexes() {
            super::super::lazy_regex::compile("built-in", r.source()).unwrap();
        }
        for n in s.names.iter().map(|n| &n.regex) {
            assert!(
                n.capture_names().any(|c| c == Some("name")),
                "{}",
                n.source()
            );
        }
    }

    /// `お客様` (customer) names nobody: the name pattern sees `客` before `様`. Customer-service
    /// data says it on every line, and each false name ran the attribute regexes.
    #[test]
    fn customer_honorific_is_not_a_name() {
        let s = Scanner::builtin();
        for text in [
            "お客様の住所を確認します",
            "説明お客様、配送について",
            "皆様とお客様",
        ] {
            assert!(s.scan_text(text).names.is_empty(), "{text}");
        }
        let named = s.scan_text("田中様の住所を確認します");
        assert_eq!(named.names.len(), 1);
        assert_eq!(named.names[0].1, "田中");
    }
}
