//! S006 personal profile: facts about named people, accumulated over a file.
//!
//! Each example yields [`Fact`]s (a kind of personal attribute, the person it is about when a
//! name is recognised, the message). [`ProfileAccumulator`] collects them line by line and, at the
//! end of the file, reports every person about whom facts of at least `min_kinds` different
//! kinds were stated — the shape of data that privacy and moderation review react to, even when
//! each line alone is harmless.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;

/// A kind of personal attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FactKind {
    BirthDate,
    Address,
    Hometown,
    Phone,
    Email,
    NationalId,
    PaymentCard,
    BankAccount,
    Secret,
    Height,
    Weight,
    School,
    Occupation,
    Gender,
    Age,
    BloodType,
    Family,
}

impl FactKind {
    /// Parses the kebab-case name used in the pattern files.
    pub fn from_name(name: &str) -> Option<FactKind> {
        use FactKind::*;
        Some(match name {
            "birth-date" => BirthDate,
            "address" => Address,
            "hometown" => Hometown,
            "phone" => Phone,
            "email" => Email,
            "national-id" => NationalId,
            "payment-card" => PaymentCard,
            "bank-account" => BankAccount,
            "secret" => Secret,
            "height" => Height,
            "weight" => Weight,
            "school" => School,
            "occupation" => Occupation,
            "gender" => Gender,
            "age" => Age,
            "blood-type" => BloodType,
            "family" => Family,
            _ => return None,
        })
    }

    /// Human wording for messages: `birth date`, `street address`, …
    pub fn label(self) -> &'static str {
        use FactKind::*;
        match self {
            BirthDate => "birth date",
            Address => "address",
            Hometown => "hometown",
            Phone => "phone number",
            Email => "e-mail address",
            NationalId => "national ID",
            PaymentCard => "payment card",
            BankAccount => "bank account",
            Secret => "credential",
            Height => "height",
            Weight => "weight",
            School => "school",
            Occupation => "occupation",
            Gender => "gender",
            Age => "age",
            BloodType => "blood type",
            Family => "family",
        }
    }
}

impl fmt::Display for FactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One personal attribute stated in an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The message that states it (for a question answered, the answer).
    pub message_index: usize,
    pub kind: FactKind,
    /// The person it is about, as written (`愛上 尾根`, `John Smith`), when recognised.
    pub person: Option<String>,
    /// The matched value in the decoded text, when the fact comes from a match (S002–S009).
    pub range: Option<Range<usize>>,
}

/// One person with enough kinds of personal facts stated about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFinding {
    /// The person's name as first written in the file.
    pub person: String,
    /// The first [`LINES_KEPT`] lines (as given to [`ProfileAccumulator::add`]) stating facts
    /// about them, ascending.
    pub lines: Vec<u64>,
    /// How many lines state facts about them (`lines` holds the first of them).
    pub line_count: u64,
    /// The kinds of facts stated, in a fixed order.
    pub kinds: Vec<FactKind>,
}

/// Lines kept per person: what a finding lists (the others are counted). A person named on
/// every line of a file of millions costs no more than one named on twelve.
pub const LINES_KEPT: usize = 12;

/// Upper bound on distinct people tracked, so a file of a million different names cannot
/// exhaust memory; names beyond it are ignored.
const MAX_PEOPLE: usize = 100_000;

#[derive(Debug, Clone)]
struct Person {
    display: String,
    first_line: u64,
    kinds: BTreeSet<FactKind>,
    /// The first [`LINES_KEPT`] lines.
    lines: BTreeSet<u64>,
    /// Distinct lines, and the last one counted.
    line_count: u64,
    last_line: Option<u64>,
}

/// Collects facts over a file. Feed it with [`add`](Self::add) for each line, in ascending
/// order (chunks processed in parallel can each have their own accumulator and be
/// [`merge`](Self::merge)d, each over lines of its own), then call [`finish`](Self::finish).
#[derive(Debug, Clone)]
pub struct ProfileAccumulator {
    min_kinds: usize,
    people: HashMap<String, Person>,
}

impl ProfileAccumulator {
    /// An accumulator reporting people with facts of at least `min_kinds` kinds (minimum 1).
    pub fn new(min_kinds: usize) -> ProfileAccumulator {
        ProfileAccumulator {
            min_kinds: min_kinds.max(1),
            people: HashMap::new(),
        }
    }

    /// Records the facts of one example at `line` (1-based line number in the file).
    pub fn add(&mut self, line: u64, scan: &super::ExampleScan) {
        for fact in &scan.facts {
            if let Some(name) = &fact.person {
                self.add_fact(line, name, fact.kind);
            }
        }
    }

    /// Records one fact about `name` at `line`.
    pub fn add_fact(&mut self, line: u64, name: &str, kind: FactKind) {
        let key = person_key(name);
        if key.is_empty() {
            return;
        }
        if !self.people.contains_key(&key) && self.people.len() >= MAX_PEOPLE {
            return;
        }
        let p = self.people.entry(key).or_insert_with(|| Person {
            display: name.to_string(),
            first_line: line,
            kinds: BTreeSet::new(),
            lines: BTreeSet::new(),
            line_count: 0,
            last_line: None,
        });
        if line < p.first_line {
            p.first_line = line;
            p.display = name.to_string();
        }
        p.kinds.insert(kind);
        if p.last_line != Some(line) {
            p.line_count += 1;
            p.last_line = Some(line);
        }
        p.keep_line(line);
    }

    /// Merges another accumulator (e.g. of a later chunk of the same file).
    pub fn merge(&mut self, other: ProfileAccumulator) {
        for (key, o) in other.people {
            let room = self.people.len() < MAX_PEOPLE;
            match self.people.get_mut(&key) {
                Some(p) => {
                    if o.first_line < p.first_line {
                        p.first_line = o.first_line;
                        p.display = o.display;
                    }
                    p.kinds.extend(o.kinds);
                    p.line_count += o.line_count;
                    for line in o.lines {
                        p.keep_line(line);
                    }
                }
                None if room => {
                    self.people.insert(key, o);
                }
                None => {}
            }
        }
    }

    /// The findings, ordered by the first line about each person (then by name).
    pub fn finish(self) -> Vec<ProfileFinding> {
        let min = self.min_kinds;
        let mut people: Vec<Person> = self
            .people
            .into_values()
            .filter(|p| p.kinds.len() >= min)
            .collect();
        people.sort_by(|a, b| (a.first_line, &a.display).cmp(&(b.first_line, &b.display)));
        people
            .into_iter()
            .map(|p| {
                let kinds: Vec<FactKind> = p.kinds.into_iter().collect();
                let lines: Vec<u64> = p.lines.into_iter().collect();
                ProfileFinding {
                    person: p.display,
                    lines,
                    line_count: p.line_count,
                    kinds,
                }
            })
            .collect()
    }
}

impl Person {
    /// Keeps `line` if it is among the first [`LINES_KEPT`].
    fn keep_line(&mut self, line: u64) {
        self.lines.insert(line);
        if self.lines.len() > LINES_KEPT {
            self.lines.pop_last();
        }
    }
}

/// Identity of a name: whitespace (ASCII and ideographic) removed, so `愛上 尾根` and `愛上尾根`
/// are one person.
fn person_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A person named on a million lines keeps the first twelve and the count: what the
    /// finding says, in the memory of twelve lines.
    #[test]
    fn a_person_on_every_line_keeps_twelve_lines_and_counts_them_all() {
        let mut acc = ProfileAccumulator::new(2);
        for line in 1..=1_000_000u64 {
            acc.add_fact(line, "Ann Lee", FactKind::BirthDate);
            acc.add_fact(line, "Ann Lee", FactKind::Height);
        }
        let person = acc.people.values().next().unwrap();
        assert_eq!(person.lines.len(), LINES_KEPT);
        let found = acc.finish();
        assert_eq!(found[0].lines, (1..=12).collect::<Vec<u64>>());
        assert_eq!(found[0].line_count, 1_000_000);
    }

    #[test]
    fn merged_chunks_count_their_lines() {
        let mut a = ProfileAccumulator::new(2);
        let mut b = ProfileAccumulator::new(2);
        for line in 1..=10 {
            a.add_fact(line, "Ann Lee", FactKind::BirthDate);
        }
        for line in 11..=20 {
            b.add_fact(line, "Ann Lee", FactKind::Height);
        }
        a.merge(b);
        let found = a.finish();
        assert_eq!(found[0].line_count, 20);
        assert_eq!(found[0].lines, (1..=12).collect::<Vec<u64>>());
    }
}
