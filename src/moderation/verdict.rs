//! The moderation verdict: ftlint's estimate of whether a target's content gate would block a
//! file as a whole (rule M006 words it; the JSON report carries it).
//!
//! It adds up points, each weight and threshold read from `rules/moderation/verdict.toml` where
//! its reasoning is written:
//! - from the scores, judged against the active profile's thresholds (how far past a category's
//!   warn or error level, never a raw number, so any score family a profile is written for
//!   works): examples at an error level, and categories past their warn level on a share of the
//!   examples;
//! - from what the scores cannot see but the usage policies name: a detailed profile of an
//!   identifiable person (S006's facts with a birth date or a street address), body details
//!   beside signs of a minor, tokenizer control strings.
//!
//! Per example, [`ExampleSignals::of`] keeps what the verdict needs of the sensitive-data scan
//! and of the moderation results (any thread); [`SignalTally`] folds them in file order; at the
//! end, [`judge`] gives the [`Verdict`]: a risk level, its reasons and the edits that address
//! them. The reasons and edits are worded here, once, so that the finding and the JSON report
//! say the same thing.

use super::check::{Event, FileReport, UnitEvent};
use super::profile::{Level, Profile};
use super::ranking::CannotRank;
use super::scores::Category;
use crate::bounded::Fraction;
use crate::diagnostic::Severity;
use crate::sensitive::{ExampleScan, FactKind, Kind, LineText};
use regex::Regex;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::LazyLock;

/// A fine-tuning service's check of training data for content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentGate {
    /// OpenAI's fine-tuning moderation (Moderation API plus a model-based review; unpublished).
    OpenAi,
    /// Azure OpenAI's training-data safety check (harm types, fixed unpublished thresholds).
    AzureOpenAi,
}

impl ContentGate {
    /// The target name the gate belongs to.
    pub fn target(self) -> &'static str {
        match self {
            ContentGate::OpenAi => "openai",
            ContentGate::AzureOpenAi => "azure-openai",
        }
    }
}

/// The content gate of a target, if its service has one.
// lead: replace with the target's data (`rules/targets/*.toml` carrying the content gate).
pub fn content_gate(target_name: &str) -> Option<ContentGate> {
    match target_name {
        "openai" => Some(ContentGate::OpenAi),
        "azure-openai" => Some(ContentGate::AzureOpenAi),
        _ => None,
    }
}

/// The verdict's settings for a run: the target's gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdictSetup {
    pub gate: ContentGate,
}

/// The estimated risk that the gate blocks the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Risk {
    Low,
    Elevated,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Elevated => "elevated",
            Risk::High => "high",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The data file.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    levels: Levels,
    severity: SeverityTable,
    signals: SignalsDef,
    fiction: RegexDef,
    gates: BTreeMap<String, GateDef>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct Levels {
    elevated: u32,
    high: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeverityTable {
    high: String,
    elevated: String,
    #[serde(default)]
    profiles: BTreeMap<String, SeverityPair>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeverityPair {
    high: String,
    elevated: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignalsDef {
    #[serde(rename = "scores-error")]
    scores_error: ScoresErrorDef,
    #[serde(rename = "scores-warn")]
    scores_warn: ScoresWarnDef,
    #[serde(rename = "personal-profile")]
    personal_profile: PointsDef,
    #[serde(rename = "minor-body")]
    minor_body: MinorBodyDef,
    #[serde(rename = "special-tokens")]
    special_tokens: PointsDef,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoresErrorDef {
    points_past_gate: u32,
    points_under_gate: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoresWarnDef {
    min_share: Fraction,
    points: u32,
    double: Vec<Category>,
    max_points: u32,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct PointsDef {
    points: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MinorBodyDef {
    points_person: u32,
    points_example: u32,
    body: String,
    body_triggers: Vec<String>,
    minor: String,
    minor_triggers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegexDef {
    regex: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GateDef {
    says: String,
}

/// `rules/moderation/verdict.toml`, with its regexes compiled.
#[derive(Debug)]
pub struct VerdictData {
    levels: Levels,
    severity: SeverityTable,
    scores_error: ScoresErrorDef,
    scores_warn: ScoresWarnDef,
    personal_profile: u32,
    minor_body: (u32, u32),
    special_tokens: u32,
    body: Lexicon,
    minor: Lexicon,
    fiction: Regex,
    gates: BTreeMap<String, GateDef>,
}

/// A verdict data file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("verdict.toml: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("verdict.toml: `{what}`: {source}")]
    Regex {
        what: &'static str,
        #[source]
        source: regex::Error,
    },
    #[error("verdict.toml: severity `{0}` is not `error`, `warning`, `info` or `none`")]
    Severity(String),
    #[error("verdict.toml: `levels.elevated` must be positive and below `levels.high`")]
    Levels,
    #[error("verdict.toml: `{what}`: {source}")]
    Triggers {
        what: &'static str,
        #[source]
        source: aho_corasick::BuildError,
    },
}

/// Each trigger as written, lower-cased and Capitalised (ASCII letters only). Upper-case text
/// (`HEIGHT`) is not looked at: the vectorised search takes at most 64 literals.
fn case_variants(triggers: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in triggers {
        let lower = t.to_ascii_lowercase();
        let mut cap = lower.clone();
        if let Some(first) = cap.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        for v in [t.clone(), lower, cap] {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// A regex that runs only on texts holding one of its trigger literals.
#[derive(Debug)]
struct Lexicon {
    triggers: aho_corasick::AhoCorasick,
    regex: Regex,
}

impl Lexicon {
    fn new(what: &'static str, regex: &str, triggers: &[String]) -> Result<Lexicon, DataError> {
        Ok(Lexicon {
            // Case variants spelled out rather than the automaton's ASCII case folding, which
            // rules out its vectorised search: the scan then costs little on text with none of
            // them (measured on the benchmark's input: README, Performance).
            // Leftmost-first: only that match kind has the vectorised (Teddy) search.
            triggers: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(case_variants(triggers))
                .map_err(|source| DataError::Triggers { what, source })?,
            regex: Regex::new(regex).map_err(|source| DataError::Regex { what, source })?,
        })
    }

    /// The first match in `texts`, as written (leading punctuation trimmed).
    fn first(&self, texts: &[LineText<'_>]) -> Option<String> {
        texts
            .iter()
            .filter(|t| self.triggers.is_match(t.text))
            .find_map(|t| self.regex.find(t.text))
            .map(|m| {
                m.as_str()
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
            })
            .map(str::to_owned)
    }
}

static BUILTIN: LazyLock<Option<VerdictData>> = LazyLock::new(|| {
    // Tested (`the_data_file_is_valid`); a broken file turns the verdict off, never a panic.
    VerdictData::parse(include_str!("../../rules/moderation/verdict.toml")).ok()
});

impl VerdictData {
    /// The built-in data (`None` only if the embedded file were broken; a test guards it).
    pub fn builtin() -> Option<&'static VerdictData> {
        BUILTIN.as_ref()
    }

    fn parse(text: &str) -> Result<VerdictData, DataError> {
        let f: DataFile = toml::from_str(text)?;
        let re = |what: &'static str, src: &str| {
            Regex::new(src).map_err(|source| DataError::Regex { what, source })
        };
        let data = VerdictData {
            levels: f.levels,
            scores_error: f.signals.scores_error,
            personal_profile: f.signals.personal_profile.points,
            minor_body: (
                f.signals.minor_body.points_person,
                f.signals.minor_body.points_example,
            ),
            special_tokens: f.signals.special_tokens.points,
            body: Lexicon::new(
                "signals.minor-body.body",
                &f.signals.minor_body.body,
                &f.signals.minor_body.body_triggers,
            )?,
            minor: Lexicon::new(
                "signals.minor-body.minor",
                &f.signals.minor_body.minor,
                &f.signals.minor_body.minor_triggers,
            )?,
            fiction: re("fiction.regex", &f.fiction.regex)?,
            scores_warn: f.signals.scores_warn,
            severity: f.severity,
            gates: f.gates,
        };
        if data.levels.elevated == 0 || data.levels.elevated >= data.levels.high {
            return Err(DataError::Levels);
        }
        let table = &data.severity;
        for s in [&table.high, &table.elevated]
            .into_iter()
            .chain(table.profiles.values().flat_map(|p| [&p.high, &p.elevated]))
        {
            parse_severity(s)?;
        }
        Ok(data)
    }

    /// The finding a risk level gives under `profile` (`None`: no finding).
    pub fn severity(&self, risk: Risk, profile: &str) -> Option<Severity> {
        let (high, elevated) = match self.severity.profiles.get(profile) {
            Some(p) => (&p.high, &p.elevated),
            None => (&self.severity.high, &self.severity.elevated),
        };
        match risk {
            Risk::High => parse_severity(high).ok().flatten(),
            Risk::Elevated => parse_severity(elevated).ok().flatten(),
            Risk::Low => None,
        }
    }

    /// What the data file says about a gate.
    pub fn gate_says(&self, gate: ContentGate) -> &str {
        self.gates
            .get(gate.target())
            .map_or("the service does not publish its gate", |g| g.says.as_str())
    }
}

fn parse_severity(s: &str) -> Result<Option<Severity>, DataError> {
    Ok(Some(match s {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        "none" => return Ok(None),
        _ => return Err(DataError::Severity(s.to_owned())),
    }))
}

// ---------------------------------------------------------------------------------------------
// Per example.

/// What the verdict keeps of one example about one named person.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PersonNote {
    name: String,
    kinds: Vec<FactKind>,
    /// A birth date is stated as a date (S009), not only asked about.
    birth_date: bool,
    /// A street address with house number (S008).
    street_address: bool,
}

/// What the verdict keeps of one example. Built by [`ExampleSignals::of`] only when the example
/// has something to keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExampleSignals {
    people: Vec<PersonNote>,
    /// The first body detail and sign of a minor in the example's texts, as written.
    body: Option<String>,
    minor: Option<String>,
    /// A system or developer message says the persona is fictional.
    fiction: bool,
    special_tokens: bool,
    /// Flagged, or a category at its error threshold: counts toward the profile's gate.
    flagged: bool,
    /// Each category past its warn (or error) threshold in some text, with its highest score.
    scores: Vec<(Category, f64)>,
}

impl ExampleSignals {
    /// The example's signals from its texts and their sensitive-data scan (`None`: no text), and
    /// its moderation results. `None` when there is nothing to keep.
    pub fn of(
        data: &VerdictData,
        sensitive: Option<(&[LineText<'_>], &ExampleScan)>,
        moderation: &[UnitEvent],
    ) -> Option<ExampleSignals> {
        let mut s = ExampleSignals::default();
        for e in moderation {
            match &e.kind {
                Event::Flagged { .. } => s.flagged = true,
                Event::OverThreshold { hit, .. } => {
                    s.flagged |= hit.level == Level::Error;
                    match s.scores.iter_mut().find(|(c, _)| *c == hit.category) {
                        Some(entry) => entry.1 = entry.1.max(hit.score),
                        None => s.scores.push((hit.category, hit.score)),
                    }
                }
                _ => {}
            }
        }
        if let Some((texts, scan)) = sensitive {
            s.special_tokens = scan.matches.iter().any(|m| m.kind == Kind::SpecialToken);
            for f in &scan.facts {
                let Some(name) = &f.person else { continue };
                let at = |kind: Kind| {
                    f.range.as_ref().is_some_and(|r| {
                        scan.matches.iter().any(|m| {
                            m.kind == kind && m.message_index == f.message_index && m.range == *r
                        })
                    })
                };
                let birth_date = f.kind == FactKind::BirthDate && at(Kind::BirthDate);
                let street_address = f.kind == FactKind::Address && at(Kind::StreetAddress);
                let key = person_key(name);
                let p = match s.people.iter_mut().position(|p| person_key(&p.name) == key) {
                    Some(i) => &mut s.people[i],
                    None => {
                        s.people.push(PersonNote {
                            name: name.clone(),
                            kinds: Vec::new(),
                            birth_date: false,
                            street_address: false,
                        });
                        s.people.last_mut().expect("just pushed")
                    }
                };
                if !p.kinds.contains(&f.kind) {
                    p.kinds.push(f.kind);
                }
                p.birth_date |= birth_date;
                p.street_address |= street_address;
            }
            // Body words are rare in ordinary data: the other regexes run only where they can
            // matter (a body detail, or a person to attribute signs to).
            s.body = data.body.first(texts);
            if s.body.is_some() || !s.people.is_empty() {
                s.minor = data.minor.first(texts);
            }
            if !s.people.is_empty() {
                s.fiction = texts
                    .iter()
                    .filter(|t| matches!(t.role, "system" | "developer"))
                    .any(|t| data.fiction.is_match(t.text));
            }
        }
        let keep = !s.people.is_empty()
            || (s.body.is_some() && s.minor.is_some())
            || s.special_tokens
            || s.flagged
            || !s.scores.is_empty();
        keep.then_some(s)
    }
}

/// Identity of a name, as S006 has it: whitespace removed, so `愛上 尾根` and `愛上尾根` are one
/// person.
fn person_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

// ---------------------------------------------------------------------------------------------
// Over the file.

/// Lines kept per list; the rest are counted.
const LINES_KEPT: usize = 12;

/// Upper bound on people tracked (as S006's), so a file of a million names cannot exhaust memory.
const MAX_PEOPLE: usize = 100_000;

/// Some lines: how many, and the first few.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    pub count: u64,
    pub first: Vec<u64>,
}

impl Lines {
    fn add(&mut self, line: u64) {
        if self.first.last() == Some(&line) {
            return;
        }
        self.count += 1;
        if self.first.len() < LINES_KEPT {
            self.first.push(line);
        }
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[derive(Debug, Clone)]
struct PersonTally {
    display: String,
    first_line: u64,
    kinds: BTreeSet<FactKind>,
    lines: Lines,
    birth: Lines,
    street: Lines,
    body: Lines,
    body_term: Option<String>,
    minor: Lines,
    minor_term: Option<String>,
    /// Every example about the person has a system prompt saying it is fictional.
    all_fiction: bool,
}

#[derive(Debug, Clone, Default)]
struct CategoryTally {
    examples: u64,
    max: f64,
    max_line: u64,
}

/// [`ExampleSignals`] folded over a file, in file order.
#[derive(Debug, Clone, Default)]
pub struct SignalTally {
    people: HashMap<String, PersonTally>,
    example_minor_body: Lines,
    example_terms: Option<(String, String)>,
    special_tokens: Lines,
    flagged: Lines,
    categories: BTreeMap<Category, CategoryTally>,
}

impl SignalTally {
    pub fn add(&mut self, line: u64, s: &ExampleSignals) {
        for p in &s.people {
            let key = person_key(&p.name);
            if !self.people.contains_key(&key) && self.people.len() >= MAX_PEOPLE {
                continue;
            }
            let t = self.people.entry(key).or_insert_with(|| PersonTally {
                display: p.name.clone(),
                first_line: line,
                kinds: BTreeSet::new(),
                lines: Lines::default(),
                birth: Lines::default(),
                street: Lines::default(),
                body: Lines::default(),
                body_term: None,
                minor: Lines::default(),
                minor_term: None,
                all_fiction: true,
            });
            t.kinds.extend(p.kinds.iter().copied());
            t.lines.add(line);
            t.all_fiction &= s.fiction;
            if p.birth_date {
                t.birth.add(line);
            }
            if p.street_address {
                t.street.add(line);
            }
            let stated_body = p
                .kinds
                .iter()
                .find(|k| matches!(k, FactKind::Height | FactKind::Weight));
            if s.body.is_some() || stated_body.is_some() {
                t.body.add(line);
                if t.body_term.is_none() {
                    t.body_term = s
                        .body
                        .clone()
                        .or_else(|| stated_body.map(|k| k.label().to_owned()));
                }
            }
            if let Some(m) = &s.minor {
                t.minor.add(line);
                t.minor_term.get_or_insert_with(|| m.clone());
            }
        }
        if s.people.is_empty() {
            if let (Some(b), Some(m)) = (&s.body, &s.minor) {
                self.example_minor_body.add(line);
                self.example_terms
                    .get_or_insert_with(|| (b.clone(), m.clone()));
            }
        }
        if s.special_tokens {
            self.special_tokens.add(line);
        }
        if s.flagged {
            self.flagged.add(line);
        }
        for (c, score) in &s.scores {
            let t = self.categories.entry(*c).or_default();
            t.examples += 1;
            if *score > t.max {
                t.max = *score;
                t.max_line = line;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The verdict.

/// Which kind of evidence a reason is; its name is the JSON report's `signal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    PersonalProfile,
    ScoresError,
    ScoresWarn,
    MinorBody,
    SpecialTokens,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::PersonalProfile => "personal-profile",
            Signal::ScoresError => "scores-error",
            Signal::ScoresWarn => "scores-warn",
            Signal::MinorBody => "minor-body",
            Signal::SpecialTokens => "special-tokens",
        }
    }
}

/// One reason for the verdict: its evidence, its points, its wording and the lines it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub signal: Signal,
    pub points: u32,
    pub text: String,
    /// The lines the reason names, ascending (the first few).
    pub lines: Vec<u64>,
}

/// The verdict on a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub risk: Risk,
    pub points: u32,
    /// The points at which the verdict is elevated and high.
    pub elevated_at: u32,
    pub high_at: u32,
    pub gate: ContentGate,
    /// What the data file says about the gate (it is not published).
    pub gate_says: String,
    pub profile: String,
    /// The finding M006 gives (`None`: none).
    pub severity: Option<Severity>,
    /// Some text had a moderation score.
    pub scores_checked: bool,
    /// In the order a person should act on them: the personal profile first (dropping its
    /// identifiers removes what the policies name, and lowers the scores it drives), then the
    /// scores, then the signals that explain them.
    pub reasons: Vec<Reason>,
    /// Concrete edits, in the order of the reasons they address.
    pub edits: Vec<String>,
}

/// Everything [`judge`] needs besides the tally.
pub struct JudgeCtx<'a> {
    pub data: &'a VerdictData,
    pub setup: VerdictSetup,
    pub profile: &'a Profile,
    /// S006's minimum number of kinds of facts for a profile.
    pub min_profile_kinds: usize,
}

/// The verdict on a file from its moderation report and its signals.
pub fn judge(ctx: &JudgeCtx<'_>, report: &FileReport, tally: SignalTally) -> Verdict {
    let d = ctx.data;
    let mut reasons = Vec::new();
    let mut edits = Vec::new();
    let scored = report.ranking.scored_examples;
    let whole_text = matches!(
        report.ranking.cannot_rank,
        Some(CannotRank::Identical { .. })
    );

    // A detailed profile of an identifiable person.
    let mut people: Vec<&PersonTally> = tally.people.values().collect();
    people.sort_by(|a, b| (a.first_line, &a.display).cmp(&(b.first_line, &b.display)));
    let identifiable: Vec<&PersonTally> = people
        .iter()
        .copied()
        .filter(|p| p.kinds.len() >= ctx.min_profile_kinds.max(1))
        .filter(|p| !p.birth.is_empty() || !p.street.is_empty())
        .collect();
    if let Some(p) = identifiable.first() {
        let mut ids = Vec::new();
        if !p.birth.is_empty() {
            ids.push(format!("birth date ({})", lines_phrase(&p.birth)));
        }
        if !p.street.is_empty() {
            ids.push(format!("street address ({})", lines_phrase(&p.street)));
        }
        let mut text = format!(
            "a detailed profile of `{}`: {} among {} kinds of personal facts on {} lines",
            p.display,
            ids.join(" and "),
            p.kinds.len(),
            p.lines.count
        );
        if identifiable.len() > 1 {
            let _ = write!(text, " (and {} more such people)", identifiable.len() - 1);
        }
        let mut drop = Vec::new();
        if !p.street.is_empty() {
            drop.push(format!("the street address ({})", lines_phrase(&p.street)));
        }
        if !p.birth.is_empty() {
            drop.push(format!("the birth date ({})", lines_phrase(&p.birth)));
        }
        edits.push(format!("drop {}", drop.join(" and ")));
        if !p.all_fiction {
            edits.push(format!(
                "state in the system prompt that `{}` is a fictional persona",
                p.display
            ));
        }
        reasons.push(Reason {
            signal: Signal::PersonalProfile,
            points: d.personal_profile,
            text,
            lines: merged(&[&p.birth, &p.street]),
        });
    }

    // Examples at an error level (or flagged).
    if report.flagged_examples > 0 {
        let past_gate = report.gate.is_some();
        let points = if past_gate {
            d.scores_error.points_past_gate
        } else {
            d.scores_error.points_under_gate
        };
        let n = report.flagged_examples;
        let text = format!(
            "{n} of {} examples {} flagged or at an error level ({}), {} the profile's gate",
            report.examples,
            if n == 1 { "is" } else { "are" },
            lines_phrase(&tally.flagged),
            if past_gate { "past" } else { "within" }
        );
        edits.push(format!(
            "rewrite or remove the flagged examples ({})",
            lines_phrase(&tally.flagged)
        ));
        reasons.push(Reason {
            signal: Signal::ScoresError,
            points,
            text,
            lines: tally.flagged.first.clone(),
        });
    }

    // Categories past their warn level on a share of the examples.
    let sw = &d.scores_warn;
    let mut warn: Vec<(Category, Reason)> = Vec::new();
    for (&c, t) in &tally.categories {
        if scored == 0 || (t.examples as f64) < sw.min_share.get() * scored as f64 {
            continue;
        }
        let Some(thresholds) = ctx.profile.categories.get(&c) else {
            continue;
        };
        let (level, base) = match (thresholds.warn, thresholds.error) {
            (Some(w), _) => ("warn", w.get()),
            (None, Some(e)) => ("error", e.get()),
            (None, None) => continue,
        };
        let ratio = if base > 0.0 { t.max / base } else { 0.0 };
        let points = if sw.double.contains(&c) {
            2 * sw.points
        } else {
            sw.points
        };
        let text = if whole_text {
            format!(
                "`{c}` {} is {}× its {level} level {} in one score of the whole text",
                super::fmt_score(t.max),
                fmt_ratio(ratio),
                super::fmt_score(base)
            )
        } else {
            format!(
                "`{c}` is past its {level} level {} on {} of {scored} scored examples, up to {} ({}×, line {})",
                super::fmt_score(base),
                t.examples,
                super::fmt_score(t.max),
                fmt_ratio(ratio),
                t.max_line
            )
        };
        let reason = Reason {
            signal: Signal::ScoresWarn,
            points,
            text,
            lines: if whole_text {
                Vec::new()
            } else {
                vec![t.max_line]
            },
        };
        warn.push((c, reason));
    }
    // Zero-tolerance categories first (a stable sort: then in category order).
    warn.sort_by_key(|(_, r)| std::cmp::Reverse(r.points));
    let mut budget = sw.max_points;
    for (_, r) in &mut warn {
        r.points = r.points.min(budget);
        budget -= r.points;
    }
    if !warn.is_empty() {
        let cats: Vec<String> = warn.iter().map(|(c, _)| format!("`{c}`")).collect();
        if whole_text {
            edits.push(format!(
                "score each example to see which drive {}: `ftlint moderate FILE --moderation-unit example --export SCORES` (network), then `--scores SCORES --moderation-unit example`",
                cats.join(" and ")
            ));
        } else {
            edits.push(format!(
                "reword the examples that drive {} (their M002 findings, riskiest first)",
                cats.join(" and ")
            ));
        }
    }
    reasons.extend(warn.into_iter().map(|(_, r)| r));

    // Body details beside signs of a minor.
    let minor_person = people
        .iter()
        .find(|p| !p.body.is_empty() && !p.minor.is_empty());
    if let Some(p) = minor_person {
        let text = format!(
            "body details about `{}` (`{}`, {}) beside a sign of a minor (`{}`, {})",
            p.display,
            p.body_term.as_deref().unwrap_or_default(),
            lines_phrase(&p.body),
            p.minor_term.as_deref().unwrap_or_default(),
            lines_phrase(&p.minor)
        );
        edits.push(format!(
            "drop the body details ({}) or the sign of a minor ({})",
            lines_phrase(&p.body),
            lines_phrase(&p.minor)
        ));
        reasons.push(Reason {
            signal: Signal::MinorBody,
            points: d.minor_body.0,
            text,
            lines: merged(&[&p.body, &p.minor]),
        });
    } else if let Some((body, minor)) = &tally.example_terms {
        let n = tally.example_minor_body.count;
        let text = format!(
            "body details beside a sign of a minor in {n} example{} (`{body}`, `{minor}`; {})",
            if n == 1 { "" } else { "s" },
            lines_phrase(&tally.example_minor_body)
        );
        edits.push(format!(
            "keep body details away from signs of a minor ({})",
            lines_phrase(&tally.example_minor_body)
        ));
        reasons.push(Reason {
            signal: Signal::MinorBody,
            points: d.minor_body.1,
            text,
            lines: tally.example_minor_body.first.clone(),
        });
    }

    // Tokenizer control strings.
    if !tally.special_tokens.is_empty() {
        let n = tally.special_tokens.count;
        reasons.push(Reason {
            signal: Signal::SpecialTokens,
            points: d.special_tokens,
            text: format!(
                "tokenizer control strings in {n} example{} ({})",
                if n == 1 { "" } else { "s" },
                lines_phrase(&tally.special_tokens)
            ),
            lines: tally.special_tokens.first.clone(),
        });
        edits.push(format!(
            "remove the control strings (S007, {})",
            lines_phrase(&tally.special_tokens)
        ));
    }

    let points: u32 = reasons.iter().map(|r| r.points).sum();
    let risk = if points >= d.levels.high {
        Risk::High
    } else if points >= d.levels.elevated {
        Risk::Elevated
    } else {
        Risk::Low
    };
    Verdict {
        risk,
        points,
        elevated_at: d.levels.elevated,
        high_at: d.levels.high,
        gate: ctx.setup.gate,
        gate_says: d.gate_says(ctx.setup.gate).to_owned(),
        profile: ctx.profile.name.clone(),
        severity: d.severity(risk, &ctx.profile.name),
        scores_checked: scored > 0,
        reasons,
        edits,
    }
}

/// `line 5`, `lines 10, 11`, `lines 1, 2, … (30 in all)`.
pub fn lines_phrase(l: &Lines) -> String {
    let shown: Vec<String> = l.first.iter().map(u64::to_string).collect();
    let more = if l.count > l.first.len() as u64 {
        format!(", … ({} in all)", l.count)
    } else {
        String::new()
    };
    let word = if l.count == 1 { "line" } else { "lines" };
    format!("{word} {}{more}", shown.join(", "))
}

/// The lines of several lists, ascending, without repeats.
fn merged(lists: &[&Lines]) -> Vec<u64> {
    let set: BTreeSet<u64> = lists.iter().flat_map(|l| l.first.iter().copied()).collect();
    set.into_iter().collect()
}

/// `1.6`, `12`: how many times a level a score is.
fn fmt_ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}
