//! Per-example scanning: runs the scanner over each message, decides which dates are birth
//! dates (a date answers a question that asks for one), and derives the facts that profiles
//! accumulate.

use std::ops::Range;

use super::profile::{Fact, FactKind};
use super::scanner::{Scanner, TextScan};
use super::{ExampleScan, Kind, MessageText, SensitiveMatch};

/// Ends a sentence: a birth cue does not reach a date across it.
fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '\r')
}

/// No sentence end in `between` (a `.` counts only when followed by whitespace or the end, so
/// `D.O.B.` and `Mar.` do not cut).
fn same_sentence(between: &str) -> bool {
    let mut it = between.chars().peekable();
    while let Some(c) = it.next() {
        if is_terminator(c) || (c == '.' && it.peek().is_none_or(|n| n.is_whitespace())) {
            return false;
        }
    }
    true
}

impl Scanner {
    /// Scans one example: `messages` in order, each with its role and decoded text.
    pub fn scan_example(&self, messages: &[MessageText<'_>]) -> ExampleScan {
        let scans: Vec<TextScan> = messages.iter().map(|m| self.scan_text(m.text)).collect();
        let mut out = ExampleScan::default();
        for (i, (msg, ts)) in messages.iter().zip(&scans).enumerate() {
            // The cue of the question this message answers, if any: needed only for a date with
            // no cue of its own, so found at the first such date (a regex over the question).
            let mut asked: Option<Option<&str>> = None;
            for hit in &ts.hits {
                let p = &self.patterns[hit.pattern];
                let (cue, fact) = if p.kind == Kind::BirthDate {
                    let near = self
                        .near_cue(msg.text, &ts.cues, &hit.range)
                        .map(|c| (&msg.text[c], false));
                    let near = near.or_else(|| {
                        let before = sentence_before(msg.text, hit.range.start);
                        if self.not_a_person(before)
                            || self.block.as_ref().is_some_and(|b| b.is_match(before))
                        {
                            return None;
                        }
                        asked
                            .get_or_insert_with(|| self.asked_cue(messages, &scans, i))
                            .map(|c| (c, true))
                    });
                    let Some((cue, answers)) = near else {
                        continue;
                    };
                    (Some((cue.to_owned(), answers)), Some(FactKind::BirthDate))
                } else {
                    (None, p.fact)
                };
                out.matches.push(SensitiveMatch {
                    message_index: i,
                    kind: p.kind,
                    pattern_id: p.id.clone(),
                    label: p.label.clone(),
                    range: hit.range.clone(),
                    cue,
                });
                if let Some(kind) = fact {
                    out.facts.push(Fact {
                        message_index: i,
                        kind,
                        person: person_for(messages, &scans, i, hit.range.start),
                        range: Some(hit.range.clone()),
                    });
                }
            }
        }
        if scans.iter().any(|s| !s.names.is_empty()) {
            self.attribute_facts(messages, &scans, &mut out.facts);
        }
        out.facts.dedup_by(|a, b| {
            a.message_index == b.message_index && a.kind == b.kind && a.person == b.person
        });
        out
    }

    /// The birth cue asked about by the question that message `i` (an assistant's) answers: the
    /// latest user message before it, if it is a question, and its first cue that does not
    /// qualify something else (`誕生日会`, `birthday sale`).
    fn asked_cue<'t>(
        &self,
        messages: &[MessageText<'t>],
        scans: &[TextScan],
        i: usize,
    ) -> Option<&'t str> {
        if messages[i].role != "assistant" {
            return None;
        }
        let u = previous_user(messages, i)?;
        let q = messages[u].text;
        // Without cues there is nothing to find: skip the question regex.
        if scans[u].cues.is_empty() || !self.question.is_match(q) {
            return None;
        }
        scans[u]
            .cues
            .iter()
            .find(|c| {
                let after: String = q[c.end..].chars().take(self.window_after).collect();
                !self.block.as_ref().is_some_and(|b| b.is_match(&after))
            })
            .map(|c| &q[c.clone()])
    }

    /// Convenience: scan one text as a single message of `role`.
    pub fn scan_text_as(&self, role: &str, text: &str) -> ExampleScan {
        self.scan_example(&[MessageText { role, text }])
    }

    /// A birth cue in the same sentence: before the date within `window_before` characters, or
    /// after it within `window_after`; and nothing in the sentence before the cue says the birth
    /// is not a person's (`my cat's birthday`, `the song Birthday`).
    fn near_cue(
        &self,
        text: &str,
        cues: &[Range<usize>],
        date: &Range<usize>,
    ) -> Option<Range<usize>> {
        cues.iter()
            .find(|c| {
                let ok = if c.end <= date.start {
                    let between = &text[c.end..date.start];
                    between.chars().count() <= self.window_before
                        && same_sentence(between)
                        && !self.block.as_ref().is_some_and(|b| b.is_match(between))
                } else if c.start >= date.end {
                    let between = &text[date.end..c.start];
                    between.chars().count() <= self.window_after
                        && same_sentence(between)
                        && !self.block.as_ref().is_some_and(|b| b.is_match(between))
                } else {
                    false
                };
                ok && !self.not_a_person(sentence_before(text, c.start.min(date.start)))
            })
            .cloned()
    }

    /// The words before a birth cue or an answered date say it is not a person's birth: a pet,
    /// a work, a company, or a death.
    fn not_a_person(&self, before: &str) -> bool {
        self.not_person.as_ref().is_some_and(|r| r.is_match(before))
    }

    /// Facts from attribute words: a user question about a named person's attribute that the
    /// next assistant message answers (not declining), or a statement naming the person and
    /// giving the attribute a value.
    fn attribute_facts(
        &self,
        messages: &[MessageText<'_>],
        scans: &[TextScan],
        facts: &mut Vec<Fact>,
    ) {
        for (i, msg) in messages.iter().enumerate() {
            let names = &scans[i].names;
            if names.is_empty() {
                continue;
            }
            let attrs: Vec<(FactKind, Range<usize>)> = self
                .attributes
                .iter()
                .flat_map(|(k, re)| re.find_iter(msg.text).map(move |m| (*k, m.range())))
                .collect();
            if attrs.is_empty() {
                continue;
            }
            if msg.role == "user" && self.question.is_match(msg.text) {
                let answer = messages[i + 1..]
                    .iter()
                    .position(|m| m.role == "assistant" || m.role == "user")
                    .map(|off| i + 1 + off)
                    .filter(|&j| messages[j].role == "assistant");
                let Some(j) = answer else { continue };
                let text = messages[j].text.trim();
                if text.is_empty() || self.refusal.is_match(text) {
                    continue;
                }
                for (kind, r) in attrs {
                    facts.push(Fact {
                        message_index: j,
                        kind,
                        person: Some(name_before(names, r.start).to_string()),
                        range: None,
                    });
                }
            } else if !self.refusal.is_match(msg.text) {
                // A statement: the attribute is the named person's only when the name is its
                // subject — same sentence, nobody else named or referred to in between — and
                // the attribute is given a value (a birth, a date or year: `born with a large
                // birthmark` states no birth date).
                for (kind, r) in attrs {
                    let Some((n, name)) = subject_of(msg.text, names, r.start) else {
                        continue;
                    };
                    let rest = &msg.text[r.end..];
                    let follows_name = r.start - n.end <= 2;
                    let valued = if kind == FactKind::BirthDate {
                        // After the cue (`born on March 3, 1990`) or before it, after the name
                        // (`山田太郎さんは1990年生まれ`).
                        states_birth_value(rest) || states_birth_value(&msg.text[n.end..r.start])
                    } else {
                        follows_name || states_value(rest)
                    };
                    if valued {
                        facts.push(Fact {
                            message_index: i,
                            kind,
                            person: Some(name.to_string()),
                            range: None,
                        });
                    }
                }
            }
        }
        facts.sort_by_key(|f| f.message_index);
    }
}

/// The named person a statement at `pos` is about: the last name before `pos` in the same
/// sentence, unless someone else is named or referred to in between (another capitalised name,
/// `he`, `she`, `they`). A name in an earlier sentence is not the subject: the next sentence
/// may be about anyone (`… Hillary Clinton's e-mail server … Trump claimed that Obama was born
/// in 1961`).
fn subject_of<'n>(
    text: &str,
    names: &'n [(Range<usize>, String)],
    pos: usize,
) -> Option<(Range<usize>, &'n str)> {
    let (r, name) = names.iter().rev().find(|(r, _)| r.end <= pos)?;
    let between = &text[r.end..pos];
    if !same_sentence(between) || someone_else(between) {
        return None;
    }
    Some((r.clone(), name.as_str()))
}

/// Words between a name and an attribute that bring in another person: a pronoun that starts
/// a clause of its own, or a capitalised word (another name) that is not a month or weekday.
fn someone_else(between: &str) -> bool {
    const NOT_PEOPLE: &[&str] = &[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "I",
    ];
    between
        .split(|c: char| !c.is_alphabetic() && c != '\'')
        .filter(|w| !w.is_empty())
        .any(|w| {
            let w = w.trim_end_matches("'s");
            matches!(w, "he" | "she" | "they" | "He" | "She" | "They" | "him")
                || (w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && w.chars().skip(1).all(|c| c.is_ascii_lowercase())
                    && w.len() > 1
                    && !NOT_PEOPLE.contains(&w))
        })
}

/// After a birth cue, the sentence gives a birth date or year within 30 characters
/// (`born on March 3, 1990`, `born in 1961`, `birthday is 5/5`), not a circumstance
/// (`born with a large birthmark`, `born in Kenya`).
fn states_birth_value(rest: &str) -> bool {
    let s: String = rest
        .chars()
        .take(30)
        .take_while(|&c| !is_terminator(c))
        .collect();
    let mut run = 0;
    let mut any_digit = false;
    for c in s.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            run += 1;
            any_digit = true;
            if run == 4 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    // A day after a month name (`born on March 3`), or Japanese dates (`1998年`) have digits.
    any_digit
        && (s.contains(['年', '月'])
            || [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ]
            .iter()
            .any(|m| s.contains(m)))
}

/// The text of `text`'s sentence before `pos`, at most 60 characters.
fn sentence_before(text: &str, pos: usize) -> &str {
    let head = &text[..pos];
    let mut start = head.char_indices().rev().nth(59).map_or(0, |(i, _)| i);
    let mut it = head[start..].char_indices().peekable();
    let mut cut = start;
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        if is_terminator(c) || (c == '.' && next.is_none_or(char::is_whitespace)) {
            cut = start + i + c.len_utf8();
        }
    }
    start = cut;
    &text[start..pos]
}

/// Index of the latest user message before `i`.
fn previous_user(messages: &[MessageText<'_>], i: usize) -> Option<usize> {
    messages[..i].iter().rposition(|m| m.role == "user")
}

/// The last name starting at or before `pos`, else the first name (non-empty `names`).
fn name_before(names: &[(Range<usize>, String)], pos: usize) -> &str {
    names
        .iter()
        .rev()
        .find(|(r, _)| r.start <= pos)
        .or(names.first())
        .map_or("", |(_, n)| n.as_str())
}

/// Who a fact at `pos` of message `i` is about: a name in the same message, else (for an
/// answer) a name in the question it answers.
fn person_for(
    messages: &[MessageText<'_>],
    scans: &[TextScan],
    i: usize,
    pos: usize,
) -> Option<String> {
    if !scans[i].names.is_empty() {
        // A value in a message that names people is about the one it follows in its sentence,
        // if any: a phone number two sentences after a name is someone else's.
        return subject_of(messages[i].text, &scans[i].names, pos).map(|(_, n)| n.to_string());
    }
    if messages[i].role != "user" {
        let u = previous_user(messages, i)?;
        return scans[u].names.first().map(|(_, n)| n.clone());
    }
    None
}

/// After an attribute word, the sentence gives it a value: `は…`, `: …`, `is …`, or a number.
fn states_value(rest: &str) -> bool {
    let s = rest.trim_start();
    if s.starts_with(['は', 'が', ':', '：', '=']) {
        return true;
    }
    let lower = s.get(..4).unwrap_or(s).to_ascii_lowercase();
    if lower.starts_with("is ") || lower.starts_with("was ") || lower.starts_with("are ") {
        return true;
    }
    s.chars()
        .take(24)
        .take_while(|&c| !is_terminator(c))
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}
