//! Precision on benign data: the generated dataset of `tests/support/benign_chat.rs` (English and
//! Japanese chat full of near misses, no personal data) must yield almost no S findings.
//! Run with `--nocapture` to see the per-code counts per 10,000 examples.

#[path = "support/benign_chat.rs"]
mod benign_chat;

use std::collections::BTreeMap;

use ftlint::rules::sensitive::describe;
use ftlint::sensitive::{MessageText, ProfileAccumulator, Scanner};

#[test]
fn benign_dataset_findings_per_10k() {
    const N: usize = 10_000;
    let scanner = Scanner::builtin();
    let mut rng = benign_chat::Rng::new(42);
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut samples: Vec<String> = Vec::new();
    let mut profile = ProfileAccumulator::new(scanner.min_profile_kinds());
    for line in 0..N {
        let ex = benign_chat::example(&mut rng);
        let texts: Vec<MessageText> = ex
            .iter()
            .map(|(role, text)| MessageText { role, text })
            .collect();
        let scan = scanner.scan_example(&texts);
        for m in &scan.matches {
            let text = texts[m.message_index].text;
            let (rule, message, _) = describe(m, &text[m.range.clone()]);
            *per_code.entry(rule.code()).or_default() += 1;
            if samples.len() < 20 {
                samples.push(format!("{message} {text:?}"));
            }
        }
        profile.add(line as u64 + 1, &scan);
    }
    let profiles = profile.finish();
    let total: usize = per_code.values().sum::<usize>() + profiles.len();
    println!(
        "findings per {N} benign examples: {total} {per_code:?}, S006: {}",
        profiles.len()
    );
    for s in &samples {
        println!("  {s}");
    }
    assert!(
        total <= 5,
        "too many false positives: {per_code:?} {samples:#?}"
    );
    assert!(profiles.is_empty(), "{profiles:?}");
}
