//! ## What it checks
//! A date stated as someone's birth date: `1998年9月14日`, `平成10年9月14日`, `1998/9/14`,
//! `1990-03-03`, `3/14/1990`, `March 3, 1990`, `3rd of March 1990`, with two-digit years
//! (`5/5/91`, `March 3, '90`) and day-month-name forms (`5-May-2021`, `05-May-91`). A date counts when a birth
//! cue (`生年月日`, `誕生日`, `生まれ`, `date of birth`, `birthday`, `DOB`, `born`) is in the same
//! sentence — up to 40 characters before it or 12 after it (`1998年9月14日生まれ`) — or when the
//! message is an assistant answer to a user question containing a cue ("愛上 尾根さんの生年月日を
//! 教えてください。" → "1998年9月14日です。"). Other dates (releases, orders, deadlines) stay silent,
//! and so does a birth that is not a person's — a pet's (`my cat's birthday is May 5, 2020`), a
//! work's or a company's (`the song Birthday was released on 22 November 1968`) — and a death
//! date (`born in 1931 and passed away on November 3, 2011`; an answer to a birthday question
//! that says `passed away on …`).
//! ## Why it matters
//! A birth date is a key identifier: with a name it identifies a person, and it is what privacy
//! and moderation review react to in personal profiles (see S006).
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": "愛上 尾根さんの生年月日を教えてください。"}, {"role": "assistant", "content": "1998年9月14日です。"}]}
//! ```
//! ## Configuration
//! The cue words, windows and the words that block a cue (`block`: sales, deaths; `not_person`:
//! pets, works, companies) are data in `rules/sensitive/s009_birth_date.toml`.

use crate::diagnostic::Finding;
use crate::sensitive::Kind;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::S009,
        name: "birth-date",
        severity: Severity::Warning,
        summary: "A date stated as someone's birth date",
    })
};

/// `` birth date `1998年9月14日` (answers a question about `生年月日`) `` or
/// `` birth date `March 3, 1990` (stated with `born`) ``
fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    super::report(ex, Kind::BirthDate, out);
}

pub fn message(date: &str, cue: &str, answers_question: bool) -> String {
    if answers_question {
        format!("birth date `{date}` (answers a question about `{cue}`)")
    } else {
        format!("birth date `{date}` (stated with `{cue}`)")
    }
}

pub fn help() -> String {
    "remove the birth date or keep only the year; with a name it identifies a person".into()
}
