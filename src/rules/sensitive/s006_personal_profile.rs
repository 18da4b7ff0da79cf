//! ## What it checks
//! File level: several kinds of personal attributes stated about one named person, across one
//! or many examples — birth date, address, hometown, phone, e-mail, national ID, height, weight,
//! schools, occupation, gender, age, blood type, family. It fires when facts of at least three
//! kinds (configurable) are about the same person, names the person as written and lists the
//! lines. A fact is a match of S002–S005, S008 or S009, a user question about a named person's
//! attribute that the assistant answers (not declining), or a statement naming the person and
//! giving the attribute a value.
//!
//! Names recognised: Japanese names before an honorific (`愛上 尾根さん`, `田中様`, `山田太郎氏`,
//! `…くん`, `…ちゃん`) or before `の` + a personal attribute (`山田太郎の生年月日`); English names
//! of two or three capitalised words before `'s` + an attribute (`John Smith's date of birth`),
//! before `was born`, `lives at/in`, `works at/for/as`, `graduated from`, `is 180 cm`, or in
//! `When was John Smith born?` / `Where does John Smith live?`. Pronouns and common nouns
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

use crate::rules::{Rule, Severity};
use crate::sensitive::FactKind;

pub const RULE: Rule = Rule {
    code: "S006",
    name: "personal-profile",
    severity: Severity::Warning,
    summary: "Several kinds of personal data about one named person across the file",
};

/// Lines listed in full up to this many; more are summarised.
const MAX_LINES_SHOWN: usize = 12;

/// `` personal profile of `愛上 尾根`: birth date, address, height on 3 lines (1, 5, 10) ``
pub fn message(person: &str, kinds: &[FactKind], lines: &[u64]) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    let mut shown: Vec<String> = lines
        .iter()
        .take(MAX_LINES_SHOWN)
        .map(u64::to_string)
        .collect();
    if lines.len() > MAX_LINES_SHOWN {
        shown.push(format!("… {} more", lines.len() - MAX_LINES_SHOWN));
    }
    let plural = if lines.len() == 1 { "line" } else { "lines" };
    format!(
        "personal profile of `{person}`: {} on {} {plural} ({})",
        kinds.join(", "),
        lines.len(),
        shown.join(", ")
    )
}

pub fn help() -> String {
    "anonymise the person (no name, or generic attributes) or drop the identifying facts; \
     together they profile one person"
        .into()
}
