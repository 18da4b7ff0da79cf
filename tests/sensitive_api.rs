//! The public API of `ftlint::sensitive`: user patterns and allow-lists, configuration errors,
//! S009 context rules, S006 accumulation and merging, and no panics on arbitrary text.

use ftlint::rules::sensitive::{describe, rule_of};
use ftlint::sensitive::{
    FactKind, MessageText, PatternDef, ProfileAccumulator, Scanner, ScannerError, ScannerOptions,
};
use proptest::prelude::*;

fn msg<'a>(role: &'a str, text: &'a str) -> MessageText<'a> {
    MessageText { role, text }
}

fn codes(scanner: &Scanner, msgs: &[MessageText<'_>]) -> Vec<&'static str> {
    scanner
        .scan_example(msgs)
        .matches
        .iter()
        .map(|m| rule_of(m.kind).code())
        .collect()
}

fn user_pattern(id: &str, code: &str, regex: &str) -> PatternDef {
    toml::from_str(&format!(
        "id = {id:?}\ncode = {code:?}\nlabel = \"internal token\"\nregex = '''{regex}'''\ntriggers = [\"acme_\"]"
    ))
    .unwrap()
}

#[test]
fn user_patterns_and_allow_lists() {
    let opts = ScannerOptions {
        patterns: vec![user_pattern("acme-token", "S001", "acme_[A-Za-z0-9]{16}")],
        allow: vec!["ops@northwind-mail.com".into()],
        allow_regex: vec!["@corp\\.internal$".into()],
        min_profile_kinds: Some(2),
    };
    let s = Scanner::new(&opts).unwrap();
    let scan = s.scan_text_as("assistant", "use acme_AbC123dEf456GhI7 for the API");
    assert_eq!(scan.matches.len(), 1);
    let m = &scan.matches[0];
    assert_eq!(rule_of(m.kind).code(), "S001");
    assert_eq!(&*m.pattern_id, "acme-token");
    let text = "use acme_AbC123dEf456GhI7 for the API";
    let (_, message, _) = describe(m, &text[m.range.clone()]);
    assert!(!message.contains("AbC123dEf456GhI7"), "{message}");
    assert!(codes(
        &s,
        &[msg(
            "user",
            "mail ops@northwind-mail.com or a@corp.internal"
        )]
    )
    .is_empty());
    assert_eq!(
        codes(&s, &[msg("user", "mail bob@northwind-mail.com")]),
        ["S002"]
    );
    assert_eq!(s.min_profile_kinds(), 2);
}

#[test]
fn options_deserialize_from_config_and_reject_unknown_keys() {
    let opts: ScannerOptions = toml::from_str(
        "allow = [\"x@y.org\"]\nmin-profile-kinds = 4\n[[patterns]]\nid = \"a\"\ncode = \"S003\"\nlabel = \"l\"\nregex = \"x\"",
    )
    .unwrap();
    assert_eq!(opts.patterns.len(), 1);
    assert!(toml::from_str::<ScannerOptions>("bogus = 1").is_err());
}

#[test]
fn a_token_validator_on_non_ascii_matches_does_not_panic() {
    // The validator once sliced the match at byte 8, inside `é` here.
    let mut p = user_pattern("acme-token", "S001", "acme_ééé[A-Za-z0-9]{16}");
    p.validator = Some("token".into());
    let opts = ScannerOptions {
        patterns: vec![p],
        ..Default::default()
    };
    let s = Scanner::new(&opts).unwrap();
    assert_eq!(
        codes(&s, &[msg("user", "key acme_éééQ7xK2mP9vL4nR8tW")]),
        ["S001"]
    );
}

#[test]
fn bad_user_patterns_are_errors_not_panics() {
    for (code, regex, validator) in [
        ("S006", "x", None),
        ("S999", "x", None),
        ("S001", "(", None),
        ("S001", "x", Some("nope")),
    ] {
        let mut p = user_pattern("bad", code, regex);
        p.validator = validator.map(String::from);
        let opts = ScannerOptions {
            patterns: vec![p],
            ..Default::default()
        };
        let err = Scanner::new(&opts).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    let dup = ScannerOptions {
        patterns: vec![user_pattern("email", "S002", "x")],
        ..Default::default()
    };
    let err = Scanner::new(&dup).unwrap_err();
    assert!(matches!(&err, ScannerError::DuplicateId { id } if id == "email"));
    assert_eq!(
        err.to_string(),
        "sensitive patterns: duplicate pattern id `email`"
    );
    // Redaction reads only the built-in files' prefixes: a user's would be silently unused.
    let mut p = user_pattern("acme-token", "S001", "acme_[A-Za-z0-9]{16}");
    p.prefixes = vec!["acme_".into()];
    let err = Scanner::new(&ScannerOptions {
        patterns: vec![p],
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "sensitive patterns: pattern `acme-token`: `prefixes` is read only in ftlint's own pattern files (rules/sensitive/)"
    );
}

#[test]
fn birth_dates_need_a_cue_or_a_question() {
    let s = Scanner::builtin();
    assert_eq!(
        codes(s, &[msg("assistant", "She was born on March 3, 1990.")]),
        ["S009"]
    );
    assert_eq!(
        codes(s, &[msg("assistant", "1998年9月14日生まれです。")]),
        ["S009"]
    );
    assert!(codes(s, &[msg("assistant", "It shipped on March 3, 1990.")]).is_empty());
    // The cue is in another sentence.
    assert!(codes(
        s,
        &[msg(
            "assistant",
            "Her birthday is a secret. The launch was 2020-05-01."
        )]
    )
    .is_empty());
    // Answering a question that asks for one; a refusal or a non-question does not count.
    let q = [
        msg("user", "What is your date of birth?"),
        msg("assistant", "1990-03-03."),
    ];
    assert_eq!(codes(s, &q), ["S009"]);
    let not_q = [
        msg("user", "My date of birth is private."),
        msg("assistant", "Noted, the meeting is on 2024-03-03."),
    ];
    assert!(codes(s, &not_q).is_empty());
}

#[test]
fn profile_accumulates_and_merges() {
    let s = Scanner::builtin();
    let lines = [
        [
            msg("user", "山田 花子さんの誕生日は？"),
            msg("assistant", "1990年1月2日です。"),
        ],
        [
            msg("user", "山田 花子さんの身長は？"),
            msg("assistant", "160cmです。"),
        ],
        [
            msg("user", "山田花子さんの住所は？"),
            msg("assistant", "神奈川県横浜市中区山下町1-2-3です。"),
        ],
    ];
    let mut a = ProfileAccumulator::new(s.min_profile_kinds());
    let mut b = ProfileAccumulator::new(s.min_profile_kinds());
    a.add(1, &s.scan_example(&lines[0]));
    b.add(2, &s.scan_example(&lines[1]));
    b.add(3, &s.scan_example(&lines[2]));
    let only_b = b.clone().finish();
    assert!(only_b.is_empty(), "two kinds are not a profile: {only_b:?}");
    a.merge(b);
    let found = a.finish();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].person, "山田 花子", "the first spelling wins");
    assert_eq!(found[0].lines, [1, 2, 3]);
    assert_eq!(
        found[0].kinds,
        [FactKind::BirthDate, FactKind::Address, FactKind::Height]
    );
    assert_eq!(
        ftlint::rules::sensitive::s006_personal_profile::message(
            &found[0].person,
            &found[0].kinds,
            &found[0].lines
        ),
        "personal profile of `山田 花子`: birth date, address, height on 3 lines (1, 2, 3)"
    );
}

#[test]
fn refusals_state_nothing() {
    let s = Scanner::builtin();
    let scan = s.scan_example(&[
        msg("user", "What is Ada Lovelace's home address?"),
        msg("assistant", "I don't know."),
    ]);
    assert!(scan.facts.is_empty(), "{:?}", scan.facts);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn never_panics_and_ranges_are_char_boundaries(
        a in "\\PC{0,80}",
        b in "[0-9０-９ \\-－年月日@+.()<|>a-zA-Z様さん生年月日born]{0,80}",
    ) {
        let s = Scanner::builtin();
        let texts = [a.as_str(), b.as_str()];
        let msgs = [msg("user", texts[0]), msg("assistant", texts[1])];
        for m in s.scan_example(&msgs).matches {
            let t = texts[m.message_index];
            prop_assert!(t.get(m.range.clone()).is_some());
        }
    }
}

#[test]
fn scanner_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Scanner>();
    assert_send_sync::<ProfileAccumulator>();
}
