//! What the verdict keeps of each example ([`ExampleSignals`], taken in the pool) and its fold
//! over the file in file order ([`SignalTally`]). Memory is a few words per example with
//! something to keep, and a bounded list of lines per signal.

use super::data::VerdictData;
use crate::moderation::check::{Event, UnitEvent};
use crate::moderation::profile::Level;
use crate::moderation::scores::Category;
use crate::sensitive::{ExampleScan, FactKind, Kind, LineText};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// Lines kept per list; the rest are counted.
const LINES_KEPT: usize = 12;

/// Upper bound on people tracked (as S006's), so a file of a million names cannot exhaust memory.
const MAX_PEOPLE: usize = 100_000;

/// Some lines: how many, and the first few.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    pub count: u64,
    pub first: Vec<u64>,
    /// The last line added (lines come in file order: a repeat is the same line).
    last: u64,
}

impl Lines {
    fn add(&mut self, line: u64) {
        if self.count > 0 && self.last == line {
            return;
        }
        self.last = line;
        self.count += 1;
        if self.first.len() < LINES_KEPT {
            self.first.push(line);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[derive(Debug, Clone)]
pub(super) struct PersonTally {
    pub(super) display: String,
    pub(super) first_line: u64,
    pub(super) kinds: BTreeSet<FactKind>,
    pub(super) lines: Lines,
    pub(super) birth: Lines,
    pub(super) street: Lines,
    pub(super) body: Lines,
    pub(super) body_term: Option<String>,
    pub(super) minor: Lines,
    pub(super) minor_term: Option<String>,
    /// Every example about the person has a system prompt saying it is fictional.
    pub(super) all_fiction: bool,
}

#[derive(Debug, Clone, Default)]
pub(super) struct CategoryTally {
    pub(super) examples: u64,
    pub(super) max: f64,
    pub(super) max_line: u64,
}

/// [`ExampleSignals`] folded over a file, in file order.
#[derive(Debug, Clone, Default)]
pub struct SignalTally {
    pub(super) people: HashMap<String, PersonTally>,
    pub(super) example_minor_body: Lines,
    pub(super) example_terms: Option<(String, String)>,
    pub(super) special_tokens: Lines,
    pub(super) flagged: Lines,
    pub(super) categories: BTreeMap<Category, CategoryTally>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_a_line_counts_once() {
        let mut l = Lines::default();
        for i in 1..=30 {
            l.add(i);
            l.add(i); // several facts on one line
        }
        assert_eq!(l.count, 30);
        assert_eq!(l.first, (1..=12).collect::<Vec<u64>>());
        assert_eq!(
            super::super::lines_phrase(&l),
            "lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, … (30 in all)"
        );
        let mut one = Lines::default();
        one.add(5);
        assert_eq!(super::super::lines_phrase(&one), "line 5");
    }

    #[test]
    fn an_example_with_nothing_to_keep_costs_nothing() {
        let data = VerdictData::builtin().unwrap();
        let v = serde_json::json!({"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]});
        let texts = crate::sensitive::line_texts(&v);
        let scan = crate::sensitive::Scanner::builtin()
            .scan_example(&crate::sensitive::message_texts(&texts));
        assert_eq!(ExampleSignals::of(data, Some((&texts, &scan)), &[]), None);
        assert_eq!(ExampleSignals::of(data, None, &[]), None);
    }

    #[test]
    fn people_are_one_whatever_their_spacing() {
        let mut t = SignalTally::default();
        let note = |name: &str| ExampleSignals {
            people: vec![PersonNote {
                name: name.into(),
                kinds: vec![FactKind::Height],
                birth_date: false,
                street_address: false,
            }],
            ..ExampleSignals::default()
        };
        t.add(1, &note("愛上 尾根"));
        t.add(2, &note("愛上尾根"));
        assert_eq!(t.people.len(), 1);
        let p = t.people.values().next().unwrap();
        assert_eq!((p.display.as_str(), p.lines.count), ("愛上 尾根", 2));
        // Height stated as a fact is a body detail even with no body word in the text.
        assert_eq!(p.body.count, 2);
        assert_eq!(p.body_term.as_deref(), Some("height"));
    }
}
