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
                for (kind, r) in attrs {
                    let follows_name = names
                        .iter()
                        .any(|(n, _)| n.end <= r.start && r.start - n.end <= 2);
                    if follows_name || states_value(&msg.text[r.end..]) {
                        facts.push(Fact {
                            message_index: i,
                            kind,
                            person: Some(name_before(names, r.start).to_string()),
                            range: None,
                        });
                    }
                }
            }
        }
        facts.sort_by_key(|f| f.message_index);
    }
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
        return Some(name_before(&scans[i].names, pos).to_string());
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
