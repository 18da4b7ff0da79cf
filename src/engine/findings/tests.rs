use super::*;
use proptest::prelude::*;

const CODES: [&str; 6] = ["C001", "D003", "J006", "S003", "D001", "T002"];

fn rule(code: &str) -> &'static RuleMeta {
    crate::rules::by_code(code).expect("a known rule")
}

/// A finding at `line:column` (line 0: file-level) whose message names `id`, so that the
/// output order can be compared with the order made.
fn finding(id: usize, code: &str, line: u64, column: u64) -> Diagnostic {
    let mut d = Diagnostic::file_level(rule(code), format!("finding {id}"));
    if line > 0 {
        d.location = Some(Location {
            line,
            column,
            end_line: line,
            end_column: column + 2,
            byte_offset: line * 100 + column,
            byte_length: 2,
        });
        d.snippet = Some(Snippet {
            text: "{}".into(),
            span: 0..2,
        });
        d.pointer = Some(String::new());
    }
    d
}

/// Everything a diagnostic can carry, some strings repeated, some not, some multi-byte.
fn varied() -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for i in 0..40u64 {
        let code = CODES[i as usize % CODES.len()];
        let mut d = finding(
            i as usize,
            code,
            if i % 7 == 0 { 0 } else { 1 + i / 3 },
            1 + i % 5,
        );
        d.message = if i % 3 == 0 {
            "the same message".into()
        } else {
            format!("message {i} — «é» 💥")
        };
        d.help = (i % 2 == 0).then(|| "help".to_string());
        d.pointer = match i % 4 {
            0 => None,
            1 => Some(String::new()),
            _ => Some(format!("/messages/{i}/content")),
        };
        if i % 5 == 1 {
            d.snippet = Some(Snippet {
                text: format!("…{i} \u{1b} snippet…"),
                span: 3..7,
            });
        }
        d.severity = [Severity::Info, Severity::Warning, Severity::Error][i as usize % 3];
        if i % 4 == 2 {
            d.fix = Some(Fix {
                applicability: if i % 8 == 2 {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                },
                message: if i % 3 == 0 {
                    "remove it"
                } else {
                    "replace it"
                },
                edits: (0..(i % 3))
                    .map(|k| Edit {
                        range: (i * 10 + k)..(i * 10 + k + 1),
                        content: if k == 0 { String::new() } else { "\r\n".into() },
                    })
                    .collect(),
            });
        }
        out.push(d);
    }
    out
}

/// Every field, compared through `Debug` (the rule by identity too).
fn same(a: &[Diagnostic], b: &[Diagnostic]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!(std::ptr::eq(x.rule, y.rule));
        assert_eq!(format!("{x:?}"), format!("{y:?}"));
    }
}

/// What the engine did before the store: a stable sort by line, column, code.
fn sorted(mut ds: Vec<Diagnostic>) -> Vec<Diagnostic> {
    ds.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    ds
}

fn through_store(ds: Vec<Diagnostic>, spill: &Arc<Spill>) -> Vec<Diagnostic> {
    let mut store = Store::new(spill.clone());
    for d in ds {
        store.push(d);
    }
    Findings::new(store, HashMap::new())
        .and_then(Findings::into_vec)
        .expect("no I/O error")
}

#[test]
fn every_field_reads_back_as_written() {
    let ds = varied();
    // A budget of one: every finding is its own run, and a fan-in of two merges them level
    // by level, so each is written and read back many times.
    let spill = Spill::new(1, 2);
    let out = through_store(ds.clone(), &spill);
    same(&out, &sorted(ds));
    assert!(spill.runs_written() > 40, "{}", spill.runs_written());
    assert_eq!(spill.held.load(Ordering::Relaxed), 0);
}

#[test]
fn in_memory_and_spilled_agree() {
    let ds = varied();
    let a = through_store(ds.clone(), &Spill::unbounded());
    let b = through_store(ds, &Spill::new(3, 3));
    same(&a, &b);
}

#[test]
fn patches_are_applied_to_their_finding_only() {
    let spill = Spill::new(2, 2);
    let mut store = Store::new(spill.clone());
    let mut first = finding(0, "S003", 5, 1);
    first.fix = Some(Fix {
        applicability: Applicability::Unsafe,
        message: "redact it",
        edits: vec![Edit::delete(1..2)],
    });
    let seq = store.push(first);
    for i in 1..6 {
        store.push(finding(i, "C001", i as u64, 1));
    }
    let patch = Patch {
        message: Some(|d, p| format!("{} ×{} ({:?})", d.message, p.count, p.others.first)),
        data: PatchData {
            count: 3,
            others: crate::rules::OtherLines::of(&[7, 7, 9]),
        },
        edits: vec![Edit::delete(70..71), Edit::delete(90..91)],
        fix_dropped: false,
    };
    let out = Findings::new(store, HashMap::from([(seq, patch)]))
        .and_then(Findings::into_vec)
        .unwrap();
    let s003: Vec<_> = out.iter().filter(|d| d.rule.code() == "S003").collect();
    assert_eq!(s003.len(), 1);
    assert_eq!(s003[0].message, "finding 0 ×3 ([7, 9])");
    let edits = &s003[0].fix.as_ref().unwrap().edits;
    assert_eq!(edits.len(), 3);
    assert!(out
        .iter()
        .filter(|d| d.rule.code() == "C001")
        .all(|d| d.message.starts_with("finding ") && d.fix.is_none()));
}

/// The memory check: a million findings through a budget of 10,000 never hold more than the
/// budget in memory at once (an instrumented count, not a timing), and come out complete and
/// in order.
#[test]
fn a_million_findings_never_hold_more_than_the_budget() {
    let budget = 10_000;
    let spill = Spill::new(budget, 64);
    let mut store = Store::new(spill.clone());
    let n = 1_000_000u64;
    for i in 0..n {
        // Two findings per line, the second made first: the order is not the order made.
        let line = i / 2 + 1;
        let code = if i % 2 == 0 { "D003" } else { "C001" };
        store.push(finding(i as usize, code, line, 1));
    }
    let findings = Findings::new(store, HashMap::new()).unwrap();
    let mut stream = findings.into_stream().unwrap();
    let mut count = 0u64;
    let mut last = (0, 0, "", 0);
    while let Some(d) = stream.next_diagnostic().unwrap() {
        let (l, c, code) = d.sort_key();
        let id: u64 = d.message["finding ".len()..].parse().unwrap();
        assert!((l, c, code, id) > last, "out of order at {id}");
        last = (l, c, code, id);
        count += 1;
    }
    assert_eq!(count, n);
    assert!(spill.peak() <= budget, "peak {} > {budget}", spill.peak());
    // 100 runs of 10,000, merged once at 64.
    assert_eq!(spill.runs_written(), 101);
    drop(stream);
    assert_eq!(spill.held.load(Ordering::Relaxed), 0);
}

/// Files that end keep little in memory: the finished ones together a quarter of the budget.
#[test]
fn finished_files_keep_a_bounded_share() {
    let spill = Spill::new(1_000, 16);
    let mut done = Vec::new();
    for f in 0..200 {
        let mut store = Store::new(spill.clone());
        for i in 0..50 {
            store.push(finding(f * 100 + i, "C001", i as u64 + 1, 1));
        }
        done.push(Findings::new(store, HashMap::new()).unwrap());
    }
    assert!(spill.peak() <= 1_000, "{}", spill.peak());
    assert!(spill.held.load(Ordering::Relaxed) <= 250);
    let total: usize = done.into_iter().map(|f| f.into_vec().unwrap().len()).sum();
    assert_eq!(total, 200 * 50);
    assert_eq!(spill.held.load(Ordering::Relaxed), 0);
    assert_eq!(spill.sealed.load(Ordering::Relaxed), 0);
}

fn dev_full() -> io::Result<File> {
    File::options().read(true).write(true).open("/dev/full")
}

fn no_folder() -> io::Result<File> {
    tempfile::tempfile_in("/nonexistent-ftlint-folder")
}

/// A full disk is an error naming the temporary file, never a panic or a silently shorter
/// list of findings.
#[test]
fn a_full_disk_is_an_error_not_lost_findings() {
    let mut opens: Vec<fn() -> io::Result<File>> = vec![no_folder];
    if std::path::Path::new("/dev/full").exists() {
        opens.push(dev_full);
    }
    for open in opens {
        let spill = Spill::with_file(4, 4, open);
        let mut store = Store::new(spill.clone());
        for i in 0..10 {
            store.push(finding(i, "C001", i as u64 + 1, 1));
        }
        let err = match Findings::new(store, HashMap::new()) {
            Err(e) => e,
            Ok(_) => panic!("the spill cannot have succeeded"),
        };
        let spill_error = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<SpillError>())
            .expect("a SpillError");
        assert!(
            spill_error
                .to_string()
                .starts_with("cannot keep the findings in a temporary file in `"),
            "{spill_error}"
        );
        assert_eq!(spill.held.load(Ordering::Relaxed), 0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any set of findings, any budget and fan-in: the merge yields exactly the stable sort by
    /// line, column and code.
    #[test]
    fn the_merge_is_the_stable_sort(
        raw in prop::collection::vec((0u64..6, 1u64..4, 0usize..CODES.len()), 0..300),
        budget in 1usize..40,
        fan_in in 2usize..6,
    ) {
        let ds: Vec<Diagnostic> = raw
            .iter()
            .enumerate()
            .map(|(i, &(line, col, c))| finding(i, CODES[c], line, col))
            .collect();
        let spill = Spill::new(budget, fan_in);
        let out = through_store(ds.clone(), &spill);
        let want = sorted(ds);
        let ids = |v: &[Diagnostic]| v.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
        prop_assert_eq!(ids(&out), ids(&want));
        prop_assert!(spill.peak() <= budget);
    }
}
