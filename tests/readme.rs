//! The README's rule table is generated from the registry; this test fails when it is stale
//! (run `FTLINT_BLESS=1 cargo test --test readme` to rewrite it).

use ftlint::rules;

fn table() -> String {
    let mut t = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for r in rules::all() {
        t.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code(),
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
    }
    t
}

#[test]
fn readme_rule_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("start marker") + start.len();
    let b = readme.find(end).expect("end marker");
    let fresh = table();
    if readme[a..b] != fresh {
        if std::env::var_os("FTLINT_BLESS").is_some() {
            std::fs::write(path, format!("{}{fresh}{}", &readme[..a], &readme[b..])).unwrap();
        } else {
            panic!("README rule table is stale: run `FTLINT_BLESS=1 cargo test --test readme`");
        }
    }
}

mod common;

/// The story section's console block: the command (with `\` continuations), the output lines
/// (`…` stands for one or more lines left out), and the exit status after `$ echo $?`.
fn story_block(readme: &str) -> (Vec<String>, Vec<String>, i32) {
    let (start, end) = ("<!-- story:start -->\n", "<!-- story:end -->");
    let a = readme.find(start).expect("story start marker") + start.len();
    let b = readme.find(end).expect("story end marker");
    let body: Vec<&str> = readme[a..b].lines().collect();
    assert_eq!(body.first(), Some(&"```console"));
    let mut command = String::new();
    let mut i = 1;
    while let Some(l) = body.get(i) {
        let l = l.strip_prefix("$ ").unwrap_or(l).trim();
        i += 1;
        match l.strip_suffix('\\') {
            Some(more) => command.push_str(more),
            None => {
                command.push_str(l);
                break;
            }
        }
    }
    let args: Vec<String> = command
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect();
    let echo = body
        .iter()
        .position(|l| *l == "$ echo $?")
        .expect("`$ echo $?`");
    let output = body[i..echo].iter().map(|l| l.to_string()).collect();
    let status = body[echo + 1].parse().expect("an exit status");
    (args, output, status)
}

/// Whether `shown` is `actual` with some runs of lines replaced by a `…` line each.
fn elides(shown: &[String], actual: &[String]) -> Result<(), String> {
    let segments: Vec<&[String]> = shown.split(|l| l == "…").collect();
    let mut at = 0;
    for (k, seg) in segments.iter().enumerate() {
        if seg.is_empty() && k > 0 && k == segments.len() - 1 {
            // A final `…`: the rest of the output, at least one line.
            if at >= actual.len() {
                return Err("nothing left for the final `…`".into());
            }
            at = actual.len();
            break;
        }
        let found = if k == 0 {
            (actual.len() >= seg.len() && actual[..seg.len()] == **seg).then_some(0)
        } else {
            // After a `…`, at least one line is left out.
            (at + 1..=actual.len().saturating_sub(seg.len()))
                .find(|&s| actual[s..s + seg.len()] == **seg)
        };
        let Some(s) = found else {
            return Err(format!(
                "segment {k} ({:?}…) not found after line {at}",
                seg.first()
            ));
        };
        at = s + seg.len();
    }
    if at != actual.len() {
        return Err(format!(
            "the output goes on after line {at} of {}",
            actual.len()
        ));
    }
    Ok(())
}

#[test]
fn readme_story_shows_the_real_output() {
    const STORY_DAY: &str = "2026-12-01";
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let (args, shown, status) = story_block(&readme);
    assert_eq!(args[0], "check");
    // The story is shown as it reads on the day it was written (the T005 lifecycle warning
    // included), pinned so the test does not change with the calendar.
    let out = common::command(root, &common::empty_cache())
        .env("FTLINT_TODAY", STORY_DAY)
        .args(&args)
        .output()
        .unwrap();
    let actual: Vec<String> = common::stdout(&out)
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    if let Err(e) = elides(&shown, &actual) {
        panic!(
            "README's story block is not the output of `ftlint {}`: {e}\n--- output ---\n{}",
            args.join(" "),
            actual.join("\n")
        );
    }
    assert_eq!(out.status.code(), Some(status));
}

#[test]
fn elision_matches_only_what_is_left_out() {
    let v = |s: &[&str]| s.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let actual = v(&["a", "b", "c", "d"]);
    assert!(elides(&v(&["a", "b", "c", "d"]), &actual).is_ok());
    assert!(elides(&v(&["a", "…", "d"]), &actual).is_ok());
    assert!(elides(&v(&["a", "…"]), &actual).is_ok());
    assert!(elides(&v(&["a", "c", "…"]), &actual).is_err());
    assert!(elides(&v(&["a", "b"]), &actual).is_err());
    assert!(elides(&v(&["a", "…", "b", "c", "d"]), &actual).is_err());
}

/// The README's target table is generated from the built-in targets, like the rule table.
#[test]
fn readme_target_table_is_current() {
    let mut fresh = String::from("| target | formats | models | what it is |\n|---|---|---|---|\n");
    for t in ftlint::targets::Target::builtins() {
        let formats: Vec<String> = t.formats.iter().map(|f| format!("`{f}`")).collect();
        fresh.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            t.name,
            formats.join(", "),
            t.models.len(),
            t.title.replace('|', "\\|")
        ));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- targets:start -->\n", "<!-- targets:end -->");
    let a = readme.find(start).expect("start marker") + start.len();
    let b = readme.find(end).expect("end marker");
    if readme[a..b] != fresh {
        if std::env::var_os("FTLINT_BLESS").is_some() {
            std::fs::write(path, format!("{}{fresh}{}", &readme[..a], &readme[b..])).unwrap();
        } else {
            panic!("README target table is stale: run `FTLINT_BLESS=1 cargo test --test readme`");
        }
    }
}
