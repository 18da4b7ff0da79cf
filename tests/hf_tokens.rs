//! Open-model token counts against the Python reference: tokenizers built by Python
//! `tokenizers` (`tests/hf/make_tokenizers.py`: a byte-level BPE, a WordPiece and a Unigram
//! trained on `tests/hf/corpus.txt`), real chat templates (`tests/hf/templates/`, sources in
//! its SOURCES.md), and `tests/hf/reference.py`, which renders as transformers'
//! `apply_chat_template` does with jinja2 and counts with Python `tokenizers`. Every example of
//! `tests/hf/examples.jsonl` (tool calls, multilingual text, emoji, a system prompt, escapes,
//! whitespace to trim, roles that some templates reject) must render to the same text and the
//! same number of tokens, or fail in both.
//!
//! The setup needs `python3` with `tokenizers` and `jinja2`; it installs them with pip when they
//! are missing (`.ci/run` does too) and skips, saying so, only when they cannot be installed.
//!
//! The byte-level BPE is counted by ftlint's fast encoder (asserted), the WordPiece and Unigram
//! by the `tokenizers` crate.
//!
//! Also here: the command line's `--tokenizer`, `--chat-template` and `--max-length`, and its
//! one-line errors (exit 2).

mod common;

use ftlint::targets::Date;
use ftlint::tokens::hf::HfCounter;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hf_dir() -> PathBuf {
    root().join("tests").join("hf")
}

/// The day `strftime_now` prints on both sides.
const DATE: &str = "2026-12-01";

/// `python3` can import `tokenizers` and `jinja2`, installing them with pip once if needed.
fn python_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        let imports = || {
            Command::new("python3")
                .args(["-c", "import tokenizers, jinja2"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if imports() {
            return true;
        }
        eprintln!("installing the Python reference's packages: pip install tokenizers jinja2");
        let _ = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "tokenizers",
                "jinja2",
            ])
            .status();
        imports()
    })
}

macro_rules! require_python {
    () => {
        if !python_ready() {
            println!(
                "skipped: python3 with `tokenizers` and `jinja2` is needed for the reference \
                 counts, and pip could not install them"
            );
            return;
        }
    };
}

/// The tokenizers, built once per test run by Python `tokenizers`.
fn tokenizers_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("hf-tokenizers-{}", std::process::id()));
        let o = Command::new("python3")
            .arg(hf_dir().join("make_tokenizers.py"))
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "make_tokenizers.py failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        dir
    })
}

/// One model folder: a tokenizer, a template and the family's special tokens.
struct Model {
    name: String,
    dir: PathBuf,
}

/// The special tokens each family's tokenizer_config.json declares (as strings, or as
/// `AddedToken` objects as some configs do).
fn specials(template: &str) -> Value {
    let added = |s: &str| {
        json!({"__type": "AddedToken", "content": s, "lstrip": false, "normalized": false,
               "rstrip": false, "single_word": false})
    };
    match template {
        t if t.starts_with("llama") => {
            json!({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"})
        }
        "qwen2.5-instruct" => {
            json!({"bos_token": null, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"})
        }
        "gemma-it" => json!({"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>"}),
        "mistral-instruct" => {
            json!({"bos_token": added("<s>"), "eos_token": added("</s>"), "unk_token": added("<unk>")})
        }
        // No bos_token: the template's `{{ bos_token }}` is undefined and prints nothing.
        _ => json!({"eos_token": "<|im_end|>"}),
    }
}

fn models() -> &'static [Model] {
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let out = tokenizers_dir().join("models");
        let mut models = Vec::new();
        let mut templates: Vec<PathBuf> = std::fs::read_dir(hf_dir().join("templates"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jinja"))
            .collect();
        templates.sort();
        for kind in ["bpe", "wordpiece", "unigram"] {
            for t in &templates {
                let stem = t.file_stem().unwrap().to_string_lossy().into_owned();
                let mut config = specials(&stem);
                config["chat_template"] = json!(std::fs::read_to_string(t).unwrap());
                models.push(model(&out, kind, &stem, &config));
            }
            // A list of named templates: `tool_use` for examples with tools, else `default`.
            let mut config = specials("llama-3.1-instruct");
            config["chat_template"] = json!([
                {"name": "default", "template": std::fs::read_to_string(hf_dir().join("templates/llama-3-instruct.jinja")).unwrap()},
                {"name": "tool_use", "template": std::fs::read_to_string(hf_dir().join("templates/llama-3.1-instruct.jinja")).unwrap()},
            ]);
            models.push(model(&out, kind, "named-templates", &config));
        }
        models
    })
}

fn model(out: &Path, kind: &str, template: &str, config: &Value) -> Model {
    let name = format!("{kind}+{template}");
    let dir = out.join(&name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        tokenizers_dir().join(kind).join("tokenizer.json"),
        dir.join("tokenizer.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("tokenizer_config.json"),
        serde_json::to_string_pretty(config).unwrap(),
    )
    .unwrap();
    Model { name, dir }
}

/// The reference's line for each example of `examples`.
fn reference(model: &Model, examples: &Path) -> Vec<Value> {
    let o = Command::new("python3")
        .arg(hf_dir().join("reference.py"))
        .arg(&model.dir)
        .arg(examples)
        .arg(DATE)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "reference.py failed for {}: {}",
        model.name,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn counts_equal_the_python_reference_on_every_example() {
    require_python!();
    let examples = hf_dir().join("examples.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&examples)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let date: Date = DATE.parse().unwrap();
    let mut compared = 0;
    let mut errors_agreed = 0;
    let mut failures = Vec::new();
    for m in models() {
        let counter = HfCounter::load(&m.dir, None, date).unwrap();
        // The byte-level BPE goes through the fast encoder, the others through `tokenizers`:
        // both are checked against Python here.
        let fast = m.name.starts_with("bpe+");
        assert_eq!(
            counter.encoder().starts_with("fast byte-level BPE"),
            fast,
            "{}: {}",
            m.name,
            counter.encoder()
        );
        let want = reference(m, &examples);
        assert_eq!(want.len(), lines.len(), "{}", m.name);
        for (i, (line, want)) in lines.iter().zip(&want).enumerate() {
            let value: Value = serde_json::from_str(line).unwrap();
            let got = counter.render_line(line, &value).unwrap();
            match (want.get("error"), got) {
                (Some(_), Err(_)) => errors_agreed += 1,
                (Some(e), Ok(r)) => failures.push(format!(
                    "{} line {}: Python raised {e}, ftlint rendered {:?}",
                    m.name,
                    i + 1,
                    r.text
                )),
                (None, Err(e)) => failures.push(format!(
                    "{} line {}: ftlint failed ({}), Python rendered {}",
                    m.name,
                    i + 1,
                    e.0,
                    want["text"]
                )),
                (None, Ok(r)) => {
                    compared += 1;
                    let text = want["text"].as_str().unwrap();
                    let tokens = counter.count_render(&r, true).total;
                    if r.text != text || Some(tokens) != want["tokens"].as_u64() {
                        failures.push(format!(
                            "{} line {}: ftlint {tokens} tokens, Python {}\n  ftlint: {:?}\n  Python: {:?}",
                            m.name,
                            i + 1,
                            want["tokens"],
                            r.text,
                            text
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every model renders most examples; the strict templates reject the two users in a row.
    assert!(compared >= 150, "only {compared} renders compared");
    assert!(
        errors_agreed >= 9,
        "only {errors_agreed} template errors agreed"
    );
}

/// `render` (the API the converted sharegpt/alpaca examples go through: `&[Value]` messages)
/// gives the same text as the line's own order when the keys are already in sorted order, and
/// the same counts as Python.
#[test]
fn render_of_values_matches_render_of_lines() {
    require_python!();
    let date: Date = DATE.parse().unwrap();
    let m = models()
        .iter()
        .find(|m| m.name == "bpe+qwen2.5-instruct")
        .unwrap();
    let counter = HfCounter::load(&m.dir, None, date).unwrap();
    let line = r#"{"messages": [{"content": "Hi 😀", "role": "user"}, {"content": "Hello!", "role": "assistant"}]}"#;
    let value: Value = serde_json::from_str(line).unwrap();
    let a = counter.render_line(line, &value).unwrap().unwrap();
    let b = counter
        .render(value["messages"].as_array().unwrap(), None)
        .unwrap();
    assert_eq!(a.text, b.text);
    assert_eq!(
        a.text,
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi 😀<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
    );
    assert_eq!(
        counter.count_render(&a, true),
        counter.count_render(&b, true)
    );
}

/// `ftlint stats --tokenizer DIR`: the file's total is the sum of the reference's counts.
#[test]
fn stats_total_is_the_reference_sum() {
    require_python!();
    let m = models()
        .iter()
        .find(|m| m.name == "bpe+qwen2.5-instruct")
        .unwrap();
    let examples = hf_dir().join("examples.jsonl");
    let want: u64 = reference(m, &examples)
        .iter()
        .map(|r| r["tokens"].as_u64().unwrap())
        .sum();
    let o = common::command(&root(), &common::empty_cache())
        .env("FTLINT_TODAY", DATE)
        .args([
            "stats",
            "--target",
            "together",
            "--output-format",
            "json",
            "--tokenizer",
        ])
        .arg(&m.dir)
        .arg(&examples)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let report: Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    let file = &report["files"][0];
    assert_eq!(file["tokens"]["total"].as_u64(), Some(want), "{file:#}");
    assert_eq!(file["token_counts"], "exact");
}

/// The fixture tokenizer (committed; no Python needed): a byte-level BPE with the ChatML
/// template, which raises when roles do not alternate.
fn fixture_tokenizer() -> PathBuf {
    root().join("fixtures/tokenizers/chatml-bpe")
}

fn ftlint(dir: &Path, args: &[&str]) -> std::process::Output {
    common::command(dir, &common::empty_cache())
        .args(args)
        .output()
        .unwrap()
}

/// Each unusable tokenizer or template is one clear line on stderr and exit 2.
#[test]
fn unusable_tokenizers_and_templates_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("data.jsonl"), "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}\n").unwrap();
    std::fs::write(d.join("vocab.json"), "{\"hello\": 1}\n").unwrap();
    std::fs::create_dir(d.join("no-template")).unwrap();
    std::fs::copy(
        fixture_tokenizer().join("tokenizer.json"),
        d.join("no-template/tokenizer.json"),
    )
    .unwrap();
    std::fs::create_dir(d.join("empty")).unwrap();
    std::fs::write(
        d.join("broken.jinja"),
        "{% for m in messages %}{{ m.content }}",
    )
    .unwrap();
    let tok = fixture_tokenizer();
    let tok = tok.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["check", "--tokenizer", "vocab.json", "data.jsonl"],
            "ftlint: error: `vocab.json` is not a Hugging Face tokenizer.json: ",
        ),
        (
            &["check", "--tokenizer", "no-template", "data.jsonl"],
            "ftlint: error: `no-template` has no chat template (no `chat_template` in tokenizer_config.json, no chat_template.jinja); give one with --chat-template FILE\n",
        ),
        (
            &["stats", "--tokenizer", "empty", "data.jsonl"],
            "ftlint: error: folder `empty` has no tokenizer.json\n",
        ),
        (
            &["check", "--tokenizer", "missing", "data.jsonl"],
            "ftlint: error: tokenizer `missing` does not exist\n",
        ),
        (
            &["check", "--tokenizer", tok, "--chat-template", "broken.jinja", "data.jsonl"],
            "ftlint: error: chat template `broken.jinja` does not parse: unexpected end of input, expected end of block (template line 1)\n",
        ),
        (
            &["stats", "--chat-template", "broken.jinja", "data.jsonl"],
            "ftlint: error: `--chat-template` needs `--tokenizer` (or a model whose tokenizer is in the local Hugging Face cache)\n",
        ),
    ];
    for (args, want) in cases {
        let o = ftlint(d, args);
        let err = common::stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with(want), "{args:?}:\n{err}\nwanted:\n{want}");
        assert!(common::stdout(&o).is_empty(), "{args:?}");
    }
}

/// `--max-length` with the fixture tokenizer: T001 at the exact column of the cut inside the
/// answer (after escapes), T006 where the prompt alone passes the cut, T007 where the template
/// raises; exit 1 for the errors.
#[test]
fn check_reports_the_cut_and_the_template_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = [
        // The cut falls inside the answer, after `\u014d` and `\n` escapes.
        r#"{"messages": [{"role": "user", "content": "What is the weather like in Tokyo today?"}, {"role": "assistant", "content": "Today in T\u014dky\u014d:\n- sunny,\n- a high of 21 degrees.\nIt is sunny with a high of 21 degrees, and tomorrow it may rain."}]}"#,
        // The prompt alone passes the cut.
        r#"{"messages": [{"role": "user", "content": "Please summarize the following report in three sentences. The report finds that sales grew by 12 percent in the third quarter, driven by exports. What is the weather like in Tokyo today?"}, {"role": "assistant", "content": "Sales grew 12% in Q3."}]}"#,
        // Two user turns: the ChatML template raises.
        r#"{"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hello!"}]}"#,
    ];
    std::fs::write(d.join("data.jsonl"), lines.join("\n") + "\n").unwrap();
    let tok = fixture_tokenizer();
    let o = ftlint(
        d,
        &[
            "check",
            "--select",
            "T",
            "--output-format",
            "concise",
            "--tokenizer",
            tok.to_str().unwrap(),
            "--max-length",
            "60",
            "data.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    let col = |line: &str, s: &str| line.find(s).unwrap() + 1;
    let want = [
        format!(
            "data.jsonl:1:{}: warning: T001 example has `107` tokens, `47` over the max length of `60` tokens; the trainer truncates it from the end; the cut falls in `messages[1]` (`assistant`) at character 33 of its content: `23` of `66` assistant tokens are kept",
            // The second `h` of the first "high".
            col(lines[0], "high of 21") + 3
        ),
        format!(
            "data.jsonl:2:{}: warning: T001 example has `116` tokens, `56` over the max length of `60` tokens; the trainer truncates it from the end; the cut falls in `messages[0]` (`user`) at character 123 of its content: `0` of `14` assistant tokens are kept",
            col(lines[1], "ter, driven")
        ),
        format!(
            "data.jsonl:2:{}: error: T006 all `14` assistant tokens fall past the cut at `60` tokens (in `messages[0]` (`user`) at character 123 of its content): the example trains on nothing",
            col(lines[1], "ter, driven")
        ),
        "data.jsonl:3:1: error: T007 the chat template fails on this example: Conversation roles must alternate user/assistant/user/assistant/...".to_owned(),
    ];
    let got: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("data.jsonl:"))
        .collect();
    assert_eq!(got, want, "{out}");
}

/// Every conversational format is cut where its own strings are: ShareGPT's `value`, Alpaca's
/// `input` (joined to `instruction` in the user turn), TRL's prompt/completion lists, an
/// OpenAI preference pair's chosen answer; T006 and T007 apply to them as to chat.
#[test]
fn the_cut_is_named_in_each_formats_own_strings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tok = fixture_tokenizer();
    let run = |target: &str, line: &str, max: &str| -> Vec<String> {
        std::fs::write(d.join("data.jsonl"), format!("{line}\n")).unwrap();
        let o = ftlint(
            d,
            &[
                "check",
                "--select",
                "T001,T006,T007",
                "--output-format",
                "concise",
                "--target",
                target,
                "--tokenizer",
                tok.to_str().unwrap(),
                "--max-length",
                max,
                "data.jsonl",
            ],
        );
        common::stdout(&o)
            .lines()
            .filter(|l| l.starts_with("data.jsonl:"))
            .map(String::from)
            .collect()
    };
    let col = |line: &str, s: &str| line.find(s).unwrap() + 1;

    let sharegpt = r#"{"conversations": [{"from": "human", "value": "Tell me a long story about dragons and castles and knights please"}, {"from": "gpt", "value": "Once upon a time there was a dragon who lived in a castle with many knights around"}]}"#;
    let got = run("sharegpt", sharegpt, "20");
    assert_eq!(got.len(), 2, "{got:#?}");
    let at = col(sharegpt, "g story");
    assert_eq!(
        got[0],
        format!("data.jsonl:1:{at}: warning: T001 example has `112` tokens, `92` over the max length of `20` tokens; the trainer truncates it from the end; the cut falls in `conversations[0].value` (`human`) at character 14: `0` of `46` assistant tokens are kept")
    );
    assert_eq!(
        got[1],
        format!("data.jsonl:1:{at}: error: T006 all `46` assistant tokens fall past the cut at `20` tokens (in `conversations[0].value` (`human`) at character 14): the example trains on nothing")
    );

    // The user turn is `instruction` + "\n" + `input`: the cut's character is `input`'s.
    let alpaca = r#"{"instruction": "Summarize", "input": "castles and knights and dragons and a very long document that goes on and on with many words", "output": "Knights."}"#;
    let got = run("alpaca", alpaca, "30");
    let at = col(alpaca, " and dragons");
    assert_eq!(
        got,
        [
            format!("data.jsonl:1:{at}: warning: T001 example has `89` tokens, `59` over the max length of `30` tokens; the trainer truncates it from the end; the cut falls in `input` (`user`) at character 20: `0` of `6` assistant tokens are kept"),
            format!("data.jsonl:1:{at}: error: T006 all `6` assistant tokens fall past the cut at `30` tokens (in `input` (`user`) at character 20): the example trains on nothing"),
        ]
    );

    // A cut inside the answer keeps part of it: T001 only, in `chosen[0]`.
    let pair = r#"{"prompt": [{"role": "user", "content": "Name a color."}], "chosen": [{"role": "assistant", "content": "Blue, like the sky on a clear summer day over the sea and the mountains far away."}], "rejected": [{"role": "assistant", "content": "Seven."}]}"#;
    let got = run("hf", pair, "50");
    assert_eq!(
        got,
        [format!(
            "data.jsonl:1:{}: warning: T001 example has `79` tokens, `29` over the max length of `50` tokens; the trainer truncates it from the end; the cut falls in `chosen[0]` (`assistant`) at character 37 of its content: `19` of `44` assistant tokens are kept",
            col(pair, "Blue") + 36
        )]
    );

    // Two human turns in a row: the ChatML template raises, as it would for chat.
    let twice = r#"{"conversations": [{"from": "human", "value": "Hi"}, {"from": "human", "value": "Hello?"}, {"from": "gpt", "value": "Hello!"}]}"#;
    let got = run("sharegpt", twice, "60");
    assert_eq!(got, ["data.jsonl:1:1: error: T007 the chat template fails on this example: Conversation roles must alternate user/assistant/user/assistant/..."]);
}

/// `stats` says how many assistant tokens the cut loses: 43 of line 1's 66 and all 14 of
/// line 2's.
#[test]
fn stats_reports_the_assistant_tokens_lost() {
    let tok = fixture_tokenizer();
    let o = ftlint(
        &root(),
        &[
            "stats",
            "--output-format",
            "json",
            "--tokenizer",
            tok.to_str().unwrap(),
            "--max-length",
            "60",
            "fixtures/T001/invalid-open-model.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let report: Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    let f = &report["files"][0];
    assert_eq!(f["max_length"], 60);
    assert_eq!(f["context"], 60);
    assert_eq!(f["over_context"], 2);
    assert_eq!(f["assistant_tokens_lost"], 57);
    assert_eq!(f["assistant_tokens_lost_share"], 57.0 / 80.0);
    assert_eq!(f["tokens"]["total"], 107 + 116);
    let text = ftlint(
        &root(),
        &[
            "stats",
            "--tokenizer",
            tok.to_str().unwrap(),
            "--max-length",
            "60",
            "fixtures/T001/invalid-open-model.jsonl",
        ],
    );
    let text = common::stdout(&text);
    assert!(
        text.contains("  assistant tokens lost to truncation: 57 (71.2%)\n"),
        "{text}"
    );
    assert!(text.contains("over the max length: 2"), "{text}");
}

/// Without `--tokenizer`, a model's `hf_tokenizer` is looked up in the local Hugging Face cache
/// (here a cache made for the test through `HF_HUB_CACHE`), never downloaded; a model whose
/// tokenizer is not cached keeps the estimate.
#[test]
fn the_models_tokenizer_comes_from_the_local_hugging_face_cache() {
    let cache = tempfile::tempdir().unwrap();
    let repo = cache
        .path()
        .join("models--meta-llama--Llama-3.1-8B-Instruct");
    let snapshot = repo
        .join("snapshots")
        .join("0e9e39f249a16976918f6564b8830bc894c89659");
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(
        repo.join("refs/main"),
        "0e9e39f249a16976918f6564b8830bc894c89659",
    )
    .unwrap();
    for f in ["tokenizer.json", "tokenizer_config.json"] {
        std::fs::copy(fixture_tokenizer().join(f), snapshot.join(f)).unwrap();
    }
    let stats = |hub: &Path| -> Value {
        let o = common::command(&root(), &common::empty_cache())
            .env("HF_HUB_CACHE", hub)
            .args([
                "stats",
                "--target",
                "together",
                "--output-format",
                "json",
                "fixtures/T007/valid.jsonl",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        serde_json::from_str::<Value>(&common::stdout(&o)).unwrap()["files"][0].clone()
    };
    let cached = stats(cache.path());
    assert_eq!(cached["token_counts"], "exact");
    assert_eq!(
        cached["tokenizer"],
        format!(
            "tokenizer {} + chat template",
            snapshot.join("tokenizer.json").display()
        )
    );
    // The fixture tokenizer's counts of the two lines (see the T007 snapshot).
    assert_eq!(cached["tokens"]["total"], 108);
    let empty = tempfile::tempdir().unwrap();
    let estimated = stats(empty.path());
    assert_eq!(estimated["token_counts"], "estimated");
}
