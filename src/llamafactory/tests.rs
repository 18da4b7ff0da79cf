use super::*;
use crate::diagnostic::Finding;
use serde_json::json;
use std::path::Path;

fn write(dir: &Path, info: &str) -> PathBuf {
    let p = dir.join(FILE_NAME);
    std::fs::write(&p, info).unwrap();
    std::fs::write(dir.join("data.jsonl"), "").unwrap();
    p
}

#[test]
fn facts_parse() {
    assert_eq!(FACTS.columns["messages"], "conversations");
    assert_eq!(FACTS.tags["user_tag"], "human");
    assert_eq!(Media::Images.placeholder(), "<image>");
}

#[test]
fn openai_style_tags_view_and_translate() {
    let dir = tempfile::tempdir().unwrap();
    let info = write(
        dir.path(),
        r#"{"chat": {"file_name": "data.jsonl", "formatting": "sharegpt",
            "columns": {"messages": "conversation"},
            "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}}}"#,
    );
    let m = lookup(&info, &dir.path().join("data.jsonl"))
        .unwrap()
        .unwrap();
    assert_eq!(m.format, Format::Sharegpt);
    let line = json!({"conversation": [
        {"role": "user", "content": "hi"},
        {"role": "system", "content": "x"},
        {"role": "human", "content": "y"}
    ], "conversations": 1});
    let v = m.view(&line);
    assert_eq!(
        v["conversations"][0],
        json!({"from": "human", "value": "hi"})
    );
    // `tags` without `system_tag`: no system tag; a default tag is not this entry's.
    assert_eq!(v["conversations"][1]["from"], "system\u{1}");
    assert_eq!(v["conversations"][2]["from"], "human\u{1}");
    assert_eq!(v["conversations\u{1}"], 1);
    let meta = crate::rules::registry::all().next().unwrap();
    let f = Finding::new(
        meta,
        Target::Value(Pointer::root().key("conversations").index(2).key("from")),
        "`conversations[2].from` is `human\u{1}`; the loader takes `human`, `gpt`, `observation`",
    );
    let t = m.translate(f);
    assert_eq!(
        t.target,
        Target::Value(Pointer::root().key("conversation").index(2).key("role"))
    );
    assert_eq!(
        t.message,
        "`conversation[2].role` is `human`; the loader takes `user`, `assistant`, `observation`"
    );
}

#[test]
fn alpaca_columns_given_drop_the_unlisted() {
    let dir = tempfile::tempdir().unwrap();
    let info = write(
        dir.path(),
        r#"{"qa": {"file_name": "data.jsonl", "columns": {"prompt": "question", "response": "answer"}}}"#,
    );
    let m = lookup(&info, &dir.path().join("data.jsonl"))
        .unwrap()
        .unwrap();
    let v = m.view(&json!({"question": "q", "answer": "a", "input": "i"}));
    assert_eq!(
        v,
        json!({"instruction": "q", "output": "a", "input\u{1}": "i"})
    );
    assert_eq!(m.user_name("output"), Some("answer"));
    assert_eq!(m.user_name("input"), None);
}

#[test]
fn errors_name_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let info = write(
        dir.path(),
        "{\"qa\": {\"file_name\": \"data.jsonl\",\n  \"colums\": {}}}",
    );
    let e = lookup(&info, &dir.path().join("data.jsonl")).err().unwrap();
    assert_eq!((e.line, e.column), (2, 10));
    assert!(
        e.message.contains("unknown field `colums`"),
        "{}",
        e.message
    );
    let info = write(dir.path(), "{\"qa\": {\"formatting\": \"sharegtp\"}}");
    let e = lookup(&info, &dir.path().join("data.jsonl")).err().unwrap();
    assert_eq!(e.line, 1);
    assert!(
        e.message.contains("unknown variant `sharegtp`"),
        "{}",
        e.message
    );
    let info = write(dir.path(), "{\"qa\": ");
    assert!(lookup(&info, &dir.path().join("data.jsonl")).is_err());
}
