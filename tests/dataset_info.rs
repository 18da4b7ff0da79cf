//! LLaMA-Factory's `dataset_info.json` from the command line: discovery beside the file,
//! `--dataset-info`, the exit-2 errors of an unusable file, `--verbose`, and `convert` reading
//! the entry's names.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &common::empty_cache())
        .args(args)
        .output()
        .expect("ftlint runs")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", common::stdout(o), common::stderr(o)))
}

/// (code, line, column, pointer) of each finding on the lines, in output order.
fn findings(v: &Value) -> Vec<(String, u64, u64, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["line"].as_u64().is_some())
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn f(code: &str, line: u64, column: u64, pointer: &str) -> (String, u64, u64, String) {
    (code.to_owned(), line, column, pointer.to_owned())
}

/// OpenAI-style roles in a ShareGPT entry: the most common mapping.
const OPENAI_TAGS: &str = r#"{
  "chat": {
    "file_name": "chat.jsonl",
    "formatting": "sharegpt",
    "columns": {"messages": "conversation", "system": "system"},
    "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
             "assistant_tag": "assistant", "system_tag": "system"}
  }
}"#;

const CHAT: &str = concat!(
    r#"{"conversation": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}"#,
    "\n",
    r#"{"conversation": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Yes."}]}"#,
    "\n",
);

fn chat_dir(info: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chat.jsonl"), CHAT).unwrap();
    if let Some(info) = info {
        std::fs::write(dir.path().join("dataset_info.json"), info).unwrap();
    }
    dir
}

fn check_chat(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--target",
        "sharegpt",
        "--select",
        "F,D005,D008",
        "--output-format",
        "json",
        "chat.jsonl",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

#[test]
fn without_dataset_info_the_mapped_file_is_not_sharegpt() {
    let dir = chat_dir(None);
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--target",
            "sharegpt",
            "--select",
            "F,C001",
            "--output-format",
            "json",
            "chat.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    // `conversation` is no format's key: each line is read as chat, missing its `messages`.
    assert_eq!(
        findings(&json(&o)),
        [f("C001", 1, 1, ""), f("C001", 2, 1, "")]
    );
}

#[test]
fn the_dataset_info_beside_the_file_is_used() {
    let dir = chat_dir(Some(OPENAI_TAGS));
    let o = check_chat(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    // Only the real problem, in the user's names and at the user's key.
    assert_eq!(
        findings(&json(&o)),
        [f("F003", 2, 63, "/conversation/1/role")]
    );
    let message = json(&o)["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        message,
        "`conversation[1].role` is `user` at turn 2, where the loader expects `assistant`"
    );
}

#[test]
fn dataset_info_flag_names_a_file_elsewhere_and_verbose_says_which_entry() {
    let dir = chat_dir(None);
    let info_dir = tempfile::tempdir().unwrap();
    // The entry's `file_name` is relative to the folder of dataset_info.json.
    let rel = dir.path().join("chat.jsonl");
    let info = OPENAI_TAGS.replace("\"chat.jsonl\"", &serde_json::to_string(&rel).unwrap());
    let info_path = info_dir.path().join("dataset_info.json");
    std::fs::write(&info_path, info).unwrap();
    let o = check_chat(
        dir.path(),
        &["--dataset-info", info_path.to_str().unwrap(), "--verbose"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    assert_eq!(
        findings(&json(&o)),
        [f("F003", 2, 63, "/conversation/1/role")]
    );
    assert!(
        common::stderr(&o).contains(&format!(
            "ftlint: `chat.jsonl` is read with entry `chat` of {} (sharegpt)",
            info_path.display()
        )),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn a_discovered_file_without_an_entry_for_the_file_changes_nothing() {
    let dir = chat_dir(Some(r#"{"other": {"file_name": "other.jsonl"}}"#));
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--target",
            "sharegpt",
            "--select",
            "F,C001",
            "--output-format",
            "json",
            "--verbose",
            "chat.jsonl",
        ],
    );
    // The file is read with the default names (each line as chat, missing its `messages`),
    // and no entry is named.
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        findings(&json(&o)),
        [f("C001", 1, 1, ""), f("C001", 2, 1, "")]
    );
    assert!(!common::stderr(&o).contains("is read with"));
}

/// Each unusable `dataset_info.json` exits 2 with one line naming file:line:column.
#[test]
fn an_unusable_dataset_info_exits_2_with_its_position() {
    let cases: &[(&str, &str)] = &[
        (
            "{\"chat\": {\"file_name\": \"chat.jsonl\",\n  \"colums\": {}}}",
            "dataset_info.json:2:10: not a LLaMA-Factory dataset_info.json: unknown field `colums`, expected one of",
        ),
        (
            "{\"chat\": {\"file_name\": \"chat.jsonl\", \"formatting\": \"sharegtp\"}}",
            "dataset_info.json:1:61: not a LLaMA-Factory dataset_info.json: unknown variant `sharegtp`, expected one of `alpaca`, `sharegpt`, `openai`",
        ),
        (
            "{\"chat\": {\"file_name\": \"chat.jsonl\",\n \"tags\": {\"user\": \"user\"}}}",
            "dataset_info.json:2:16: not a LLaMA-Factory dataset_info.json: unknown field `user`, expected one of",
        ),
        (
            "{\"chat\": {\"file_name\": \"chat.jsonl\"",
            "dataset_info.json:1:35: not a LLaMA-Factory dataset_info.json: EOF while parsing an object",
        ),
        (
            "{\n  \"chat\": {\"file_name\": \"chat.jsonl\", \"formatting\": \"openai\"}}",
            "dataset_info.json:2:3: entry `chat` has `\"formatting\": \"openai\"`, which ftlint does not check yet",
        ),
    ];
    for (info, want) in cases {
        let dir = chat_dir(Some(info));
        let o = check_chat(dir.path(), &[]);
        assert_eq!(o.status.code(), Some(2), "{info}");
        let err = common::stderr(&o);
        assert!(
            err.starts_with(&format!("ftlint: error: {want}")),
            "{info}\n{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn an_explicit_dataset_info_without_an_entry_for_the_file_exits_2() {
    let dir = chat_dir(Some(r#"{"other": {"file_name": "other.jsonl"}}"#));
    let o = check_chat(dir.path(), &["--dataset-info", "dataset_info.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        common::stderr(&o),
        "ftlint: error: dataset_info.json:1:1: no entry's `file_name` names `chat.jsonl` (or a folder holding it)\n"
    );
}

#[test]
fn an_entry_naming_the_folder_covers_its_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("qa")).unwrap();
    std::fs::write(
        dir.path().join("dataset_info.json"),
        r#"{"qa": {"file_name": "qa", "columns": {"prompt": "question", "response": "answer"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("qa/part-1.jsonl"),
        "{\"question\": \"Capital of France?\", \"answer\": \"Paris.\"}\n{\"question\": \"Capital of Spain?\", \"answer\": 3}\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--target",
            "alpaca",
            "--select",
            "A,D005,D008",
            "--output-format",
            "json",
            "qa/part-1.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    assert_eq!(findings(&json(&o)), [f("A001", 2, 45, "/answer")]);
}

#[test]
fn convert_reads_the_entry_and_writes_the_default_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dataset_info.json"),
        r#"{"qa": {"file_name": "qa.jsonl", "columns": {"prompt": "question", "query": "context", "response": "answer", "system": "system"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("qa.jsonl"),
        "{\"question\": \"Summarise.\", \"context\": \"The sky is blue.\", \"answer\": \"Blue sky.\", \"system\": \"Be brief.\"}\n",
    )
    .unwrap();
    // Alpaca (mapped) to Alpaca: the same record under LLaMA-Factory's default names.
    let o = run_in(
        dir.path(),
        &["convert", "qa.jsonl", "--to", "alpaca", "--no-check"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(
        common::stdout(&o),
        "{\"system\":\"Be brief.\",\"instruction\":\"Summarise.\",\"input\":\"The sky is blue.\",\"output\":\"Blue sky.\"}\n"
    );
    // To TRL's messages: the user's turn is `question` and `context` joined, as LLaMA-Factory
    // builds it.
    let o = run_in(
        dir.path(),
        &["convert", "qa.jsonl", "--to", "hf", "--no-check"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let v: Value = serde_json::from_str(common::stdout(&o).trim()).unwrap();
    assert_eq!(
        v["messages"],
        serde_json::json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Summarise.\nThe sky is blue."},
            {"role": "assistant", "content": "Blue sky."}
        ])
    );
}

#[test]
fn convert_losses_name_the_users_keys() {
    let dir = chat_dir(Some(OPENAI_TAGS));
    std::fs::write(
        dir.path().join("chat.jsonl"),
        "{\"conversation\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": 3}]}\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &[
            "convert",
            "chat.jsonl",
            "--to",
            "openai",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    // `convert` writes data to stdout and its report to stderr, before its last line.
    let err = common::stderr(&o);
    let report = &err[..err.rfind("\nftlint:").unwrap() + 1];
    let v: Value = serde_json::from_str(report).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "X001");
    assert_eq!(d["pointer"], "/conversation/1/content", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("`conversation[1].content`"),
        "{d}"
    );
}

/// Token counting reads the entry's names: the cut is named and placed in the user's keys.
#[test]
fn tokens_follow_the_entry() {
    let dir = chat_dir(Some(OPENAI_TAGS));
    std::fs::write(
        dir.path().join("chat.jsonl"),
        "{\"conversation\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}]}\n",
    )
    .unwrap();
    let tokenizer = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tokenizers/chatml-bpe");
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--target",
            "sharegpt",
            "--tokenizer",
            tokenizer.to_str().unwrap(),
            "--max-length",
            "12",
            "--select",
            "T001",
            "--output-format",
            "json",
            "chat.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let v = json(&o);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("T001"), Some(1), Some(49)),
        "{d}"
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("the cut falls in `conversation[0].content` (`user`) at character 2"),
        "{d}"
    );
}

/// `--fix` reads the file through its entry, as `check` does: a column the entry maps (here the
/// system prompt, `sys_prompt`) is the user's data, not an unknown key to delete. Without the
/// entry the same line is OpenAI chat with an unknown top-level key, and C002's unsafe fix
/// removes it; with the entry nothing is fixed and the file is left byte for byte.
#[test]
fn fix_reads_the_entry_and_never_drops_a_mapped_column() {
    let line =
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \
                \"content\": \"hello\"}], \"sys_prompt\": \"Be brief.\"}\n";
    let info = r#"{"d": {"file_name": "d.jsonl", "formatting": "sharegpt", "columns": {"messages": "messages", "system": "sys_prompt"}, "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}}}"#;
    let fix = [
        "check",
        "--offline",
        "--target",
        "sharegpt",
        "--fix",
        "--unsafe-fixes",
    ];
    // Without the entry: the key goes (what `--fix` did to a mapped file before it read the entry).
    let bare = tempfile::tempdir().unwrap();
    std::fs::write(bare.path().join("d.jsonl"), line).unwrap();
    run_in(bare.path(), &[&fix[..], &["d.jsonl"]].concat());
    let fixed = std::fs::read_to_string(bare.path().join("d.jsonl")).unwrap();
    assert!(!fixed.contains("sys_prompt"), "{fixed}");
    // With it: unchanged, and the check after the fix is clean of C002.
    let mapped = tempfile::tempdir().unwrap();
    std::fs::write(mapped.path().join("d.jsonl"), line).unwrap();
    std::fs::write(mapped.path().join("dataset_info.json"), info).unwrap();
    let out = run_in(
        mapped.path(),
        &[&fix[..], &["--output-format", "concise", "d.jsonl"]].concat(),
    );
    assert_eq!(
        std::fs::read_to_string(mapped.path().join("d.jsonl")).unwrap(),
        line
    );
    assert!(
        !common::stderr(&out).contains("fixed `"),
        "{}",
        common::stderr(&out)
    );
    assert!(
        !common::stdout(&out).contains("C002"),
        "{}",
        common::stdout(&out)
    );
    // `--dry-run` agrees: nothing would change (exit 0).
    let dry = run_in(
        mapped.path(),
        &[&fix[..], &["--dry-run", "d.jsonl"]].concat(),
    );
    assert_eq!(dry.status.code(), Some(0), "{}", common::stdout(&dry));
}

/// A `dataset_info.json` that cannot be used stops `--fix` for that file (one line, exit 2)
/// instead of fixing it under the default names.
#[test]
fn fix_leaves_a_file_alone_when_its_dataset_info_is_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let line = "{\"q\": \"a\", \"a\": \"b\", \"extra\": 1}\r\n";
    std::fs::write(dir.path().join("d.jsonl"), line).unwrap();
    std::fs::write(
        dir.path().join("dataset_info.json"),
        "{\"d\": {\"file_name\": ",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "check",
            "--offline",
            "--target",
            "alpaca",
            "--fix",
            "d.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("cannot fix `d.jsonl`"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("d.jsonl")).unwrap(),
        line
    );
}
