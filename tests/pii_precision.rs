//! Precision of the personal-data rules on real prose (issue 17, item 4): S006 needs facts about
//! the *same* named person (the news-article cases the issue reports), finds English profiles
//! told by pronoun, S009 is a person's birth (not a pet's, a song's, a death date), and the
//! configured allow-list matches a phone number however it is written.

use ftlint::sensitive::{
    ExampleScan, FactKind, MessageText, ProfileAccumulator, ProfileFinding, Scanner, ScannerOptions,
};

fn scan(s: &Scanner, user: &str, assistant: &str) -> ExampleScan {
    s.scan_example(&[
        MessageText {
            role: "user",
            text: user,
        },
        MessageText {
            role: "assistant",
            text: assistant,
        },
    ])
}

fn profiles(pairs: &[(&str, &str)]) -> Vec<ProfileFinding> {
    let s = Scanner::builtin();
    let mut acc = ProfileAccumulator::new(s.min_profile_kinds());
    for (i, (u, a)) in pairs.iter().enumerate() {
        acc.add(i as u64 + 1, &scan(s, u, a));
    }
    acc.finish()
}

/// Facts about `person` in one statement by the assistant.
fn facts_about(text: &str, person: &str) -> Vec<FactKind> {
    let s = Scanner::builtin();
    scan(s, "Summarise the article.", text)
        .facts
        .into_iter()
        .filter(|f| f.person.as_deref() == Some(person))
        .map(|f| f.kind)
        .collect()
}

/// The English file: the person is named in the user's questions only; the answers say
/// `he`. It reported nothing; now it is a profile of five kinds over lines 1–5.
#[test]
fn english_profile_told_by_pronoun() {
    let p = profiles(&[
        (
            "When was John Whitfield born?",
            "He was born on March 14, 1988, in Portland.",
        ),
        (
            "Where does John Whitfield live?",
            "He lives at 742 Evergreen Terrace, Springfield.",
        ),
        ("How tall is John Whitfield?", "He is 183 cm tall."),
        ("How much does John Whitfield weigh?", "He weighs 78 kg."),
        (
            "Which school did John Whitfield attend?",
            "He attended Lincoln High School and then Reed College.",
        ),
        (
            "What is John Whitfield's favourite food?",
            "He loves ramen.",
        ),
    ]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].person, "John Whitfield");
    assert_eq!(
        p[0].kinds,
        [
            FactKind::BirthDate,
            FactKind::Address,
            FactKind::Height,
            FactKind::Weight,
            FactKind::School
        ]
    );
    assert_eq!(p[0].lines, [1, 2, 3, 4, 5]);
}

/// A news article: the trigger words belong to other people (Obama's birth, Abedin's e-mail
/// address, Weiner's phone). Before, this was a "personal profile of `Hillary Clinton`": birth
/// date, address, phone number, e-mail address.
#[test]
fn trigger_words_of_other_people_are_not_the_named_persons() {
    let article = "Hillary Clinton's e-mail server was investigated in 2016. Trump claimed that \
                   Obama was born in 1961 in Kenya. Abedin had an email address on the server: \
                   it was 12 years old. Weiner's phone held 650,000 messages.";
    let kinds = facts_about(article, "Hillary Clinton");
    assert!(!kinds.contains(&FactKind::BirthDate), "{kinds:?}");
    assert!(!kinds.contains(&FactKind::Phone), "{kinds:?}");
    // In one sentence, a pronoun that brings in someone else cuts the link too.
    let kinds = facts_about(
        "Hillary Clinton said that he was born in 1961 in Kenya.",
        "Hillary Clinton",
    );
    assert!(kinds.is_empty(), "{kinds:?}");
    let p = profiles(&[
        ("Summarise the article.", article),
        (
            "Summarise the blog.",
            "Hillary Clinton was born with a large birthmark, one blog claimed in 2016.",
        ),
    ]);
    assert!(p.is_empty(), "{p:?}");
}

/// `born with a large birthmark` states no birth date; `born on October 26, 1947` does.
#[test]
fn born_needs_a_date() {
    assert!(facts_about(
        "Hillary Clinton was born with a large birthmark.",
        "Hillary Clinton"
    )
    .is_empty());
    assert_eq!(
        facts_about(
            "Hillary Clinton was born on October 26, 1947, in Chicago.",
            "Hillary Clinton"
        ),
        [FactKind::BirthDate]
    );
    assert_eq!(
        facts_about("Hillary Clinton was born in 1947.", "Hillary Clinton"),
        [FactKind::BirthDate]
    );
}

fn birth_dates(text: &str) -> Vec<String> {
    let s = Scanner::builtin();
    scan(s, "Tell me more.", text)
        .matches
        .iter()
        .filter(|m| ftlint::rules::sensitive::rule_of(m.kind).code() == "S009")
        .map(|m| text[m.range.clone()].to_string())
        .collect()
}

/// The S009 false positives: two cats' birthdays, a song, a death date.
#[test]
fn birth_dates_are_peoples() {
    for text in [
        "My cat's birthday is May 5, 2020, and Luna's birthday is June 1, 2019.",
        "Our two cats were born on 3/14/2019.",
        "The Beatles' song Birthday was released on 22 November 1968.",
        "He was born in 1931 and passed away on November 3, 2011.",
        "She was born in 1950 and died on March 3, 2011.",
    ] {
        assert!(
            birth_dates(text).is_empty(),
            "{text}: {:?}",
            birth_dates(text)
        );
    }
    assert_eq!(
        birth_dates("She was born on 5-May-91 in Leeds."),
        ["5-May-91"]
    );
    // An answer to a birthday question that gives a death date is not a birth date.
    let s = Scanner::builtin();
    let a = "He passed away on November 3, 2011.";
    let got = scan(s, "When is Tom Hale's birthday?", a);
    assert!(got.matches.is_empty(), "{:?}", got.matches);
}

/// `[sensitive] allow` matches a phone number by its digits and an address ignoring case and
/// spacing: a hotline printed 297 times in several forms is allowed once in the config.
#[test]
fn allow_list_matches_written_forms() {
    let s = Scanner::new(&ScannerOptions {
        allow: vec!["1-800-273-8255".into(), "1600 Pennsylvania Avenue".into()],
        ..ScannerOptions::default()
    })
    .unwrap();
    for text in [
        "Call 1-800-273-8255 any time.",
        "Call (800) 273-8255 any time.",
        "Call +1 800 273 8255 any time.",
        "Write to 1600 PENNSYLVANIA Avenue, Washington.",
    ] {
        // Reported without the allow-list, silent with it.
        assert_eq!(
            scan(Scanner::builtin(), "Help?", text).matches.len(),
            1,
            "{text}"
        );
        let m = scan(&s, "Help?", text).matches;
        assert!(m.is_empty(), "{text}: {m:?}");
    }
    // Another number still reports.
    let m = scan(&s, "Help?", "Call (800) 273-8256 any time.").matches;
    assert_eq!(m.len(), 1, "{m:?}");
}

/// S003 and S008 say a value repeated over a file once, at its first occurrence, with the count
/// and the other lines (the issue: 297 copies of one hotline, 406 findings for a few addresses).
/// Written forms of one number are one value.
#[test]
fn repeated_values_are_reported_once_per_file() {
    use ftlint::settings::{Selection, Settings, Setup};
    let mut text = String::new();
    for i in 0..30 {
        let content = if i % 3 == 0 {
            "Call our hotline (800) 273-8255 or 1-800-273-8255. Visit 1600 Pennsylvania Avenue, Washington."
        } else {
            "Ring 020 7946 0958 today."
        };
        text.push_str(
            &serde_json::json!({"messages": [
                {"role": "user", "content": "Help"},
                {"role": "assistant", "content": content}
            ]})
            .to_string(),
        );
        text.push('\n');
    }
    let cache = tempfile::tempdir().unwrap();
    let settings = Settings {
        rules: vec![Selection::only(&["S003", "S008"])],
        cache_dir: Some(cache.path().to_path_buf()),
        ..Settings::default()
    };
    let setup = Setup::new(&settings, false).unwrap();
    let report =
        ftlint::engine::check_reader("rep.jsonl".into(), text.as_bytes(), &setup.opts).unwrap();
    let got: Vec<(u64, &str, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.location.unwrap().line, d.rule.code(), d.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                "S003",
                "phone number `(800) 273-8255`, 20 times in this file (also on lines 1, 4, 7, \
                 10, 13, 16, 19, 22, 25, 28)"
            ),
            (
                1,
                "S008",
                "street address `1600 Pennsylvania Avenue`, 10 times in this file (also on \
                 lines 4, 7, 10, 13, 16, 19, 22, 25, 28)"
            ),
            (
                2,
                "S003",
                "phone number `020 7946 0958`, 20 times in this file (also on lines 3, 5, 6, \
                 8, 9, 11, 12, 14, 15, 17, 18, 20, … 7 more)"
            ),
        ]
    );
}

/// A Japanese statement gives the birth year before the cue: still a fact about the person.
#[test]
fn japanese_statement_birth_before_cue() {
    let kinds = facts_about("山田太郎さんは1990年生まれです。", "山田太郎");
    assert!(kinds.contains(&FactKind::BirthDate), "{kinds:?}");
}
