//! ## What it checks
//! File level: several kinds of personal attributes stated about one named person, across one
//! or many examples — birth date, address, hometown, phone, e-mail, national ID, height, weight,
//! schools, occupation, gender, age, blood type, family. It fires when facts of at least three
//! kinds (configurable) are about the same person, names the person as written and lists the
//! lines. A fact is a match of S002–S005, S008, S009 or S010, a user question about a named
//! person's attribute that the assistant answers (not declining) — the answer may say only
//! `he` or `she` —, or a statement naming the person and giving the attribute a value.
//!
//! Facts must be about *the same* named person. In a statement the person must be the subject:
//! the name comes before the attribute (or value) in the same sentence, with no other name and no
//! `he`/`she`/`they` in between — in a news article, "Trump claimed that Obama was born in 1961"
//! two sentences after "Hillary Clinton's e-mail server" is not a fact about Hillary Clinton. A
//! birth is a fact only with a date or year (`born on October 26, 1947`, `born in 1947`), not
//! `born with a large birthmark`.
//!
//! Names recognised: Japanese names before an honorific (`愛上 尾根さん`, `田中様`, `山田太郎氏`,
//! `…くん`, `…ちゃん`) or before `の` + a personal attribute (`山田太郎の生年月日`); English names
//! of two or three capitalised words before `'s` + an attribute (`John Smith's date of birth`),
//! before `was born`, `lives at/in`, `works at/for/as`, `graduated from`, `is 180 cm`, or in
//! `When was John Smith born?` / `Where does John Smith live?`, or anywhere in a question
//! (`How tall is John Smith?`, `Which school did John Smith attend?`). Pronouns and common nouns
//! (`私`, `会社`, `The`, `My`, …) are not names.
//! ## Why it matters
//! Each line may be harmless, but together they profile an identifiable person: this is what
//! privacy and moderation review block. A file of Q&A about a fictional person's birth date,
//! address, height and weight was blocked at upload although no single line was flagged.
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの生年月日を教えてください。"}, {"role": "assistant", "content": "1998年9月14日です。"}]}
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの現在住所を教えてください。"}, {"role": "assistant", "content": "東京都品川区西五反田8丁目1−5です。"}]}
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの身長を教えてください。"}, {"role": "assistant", "content": "172cmです。"}]}
//! ```
//! ## Configuration
//! `min-profile-kinds` (default 3) in the `sensitive` section of the configuration; names and
//! attribute words are data in `rules/sensitive/s006_personal_profile.toml`.

use crate::diagnostic::Diagnostic;
use crate::rules::{
    DatasetRule, DatasetState, ExampleCtx, FileFacts, LineFacts, Note, Rule, RuleDef, RuleMeta,
    Severity, StartCtx,
};
use crate::sensitive::{ExampleScan, FactKind, ProfileAccumulator};

pub static RULE: RuleDef = RuleDef {
    dataset: Some(&Check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S006,
        name: "personal-profile",
        severity: Severity::Warning,
        summary: "Several kinds of personal data about one named person across the file",
    })
};

struct Check;

impl DatasetRule for Check {
    /// The facts an example states about people (only examples that state some).
    fn note(&self, ex: &ExampleCtx<'_>) -> Option<Note> {
        let scan = &ex.sensitive()?.scan;
        (!scan.facts.is_empty()).then(|| Note::Other(Box::new(scan.clone())))
    }

    fn start(&self, ctx: &StartCtx<'_>) -> Box<dyn DatasetState> {
        Box::new(Profiles(ProfileAccumulator::new(
            ctx.scanner.min_profile_kinds(),
        )))
    }
}

struct Profiles(ProfileAccumulator);

impl DatasetState for Profiles {
    fn add(&mut self, line: &LineFacts, note: Option<Note>, _: &mut Vec<Diagnostic>) {
        if let Some(Note::Other(any)) = note {
            if let Some(scan) = any.downcast_ref::<ExampleScan>() {
                self.0.add(line.line, scan);
            }
        }
    }

    fn finish(self: Box<Self>, _: &FileFacts<'_>, out: &mut Vec<Diagnostic>) {
        for p in self.0.finish() {
            out.push(
                Diagnostic::file_level(
                    &RULE.meta,
                    message_counted(&p.person, &p.kinds, &p.lines, p.line_count),
                )
                    .with_help(help()),
            );
        }
    }
}

/// Lines listed in full up to this many; more are summarised (and only this many are kept:
/// `sensitive::LINES_KEPT`).
const MAX_LINES_SHOWN: usize = 12;

/// `` personal profile of `愛上 尾根`: birth date, address, height on 3 lines (1, 5, 10) ``
pub fn message(person: &str, kinds: &[FactKind], lines: &[u64]) -> String {
    message_counted(person, kinds, lines, lines.len() as u64)
}

/// The message for `count` lines, of which `lines` are the first.
pub fn message_counted(person: &str, kinds: &[FactKind], lines: &[u64], count: u64) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    let mut shown: Vec<String> = lines
        .iter()
        .take(MAX_LINES_SHOWN)
        .map(u64::to_string)
        .collect();
    if count > MAX_LINES_SHOWN as u64 {
        shown.push(format!("… {} more", count - MAX_LINES_SHOWN as u64));
    }
    let plural = if count == 1 { "line" } else { "lines" };
    format!(
        "personal profile of `{person}`: {} on {count} {plural} ({})",
        kinds.join(", "),
        shown.join(", ")
    )
}

pub fn help() -> String {
    "anonymise the person (no name, or generic attributes) or drop the identifying facts; \
     together they profile one person"
        .into()
}
