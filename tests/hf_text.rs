//! TRL language-modeling records (`{"text": ...}`) counted with the model's own tokenizer as
//! TRL's `SFTTrainer` tokenizes them — the `eos_token` it appends unless the text ends with it,
//! and the tokenizer's own special tokens (a Llama-style BOS) — against the Python reference
//! `tests/hf/text_reference.py` (Python `tokenizers`). Tokenizers are built by
//! `tests/hf/make_tokenizers.py`, as in `hf_tokens.rs`. Skips, saying so, without `python3`
//! and `tokenizers` (`.ci/run` and `hf_tokens.rs` install them).

use ftlint::targets::{Counter, Date};
use ftlint::tokens::hf::HfCounter;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn hf_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hf")
}

fn python(args: &[&std::ffi::OsStr]) -> Option<String> {
    let o = Command::new("python3").args(args).output().ok()?;
    assert!(
        o.status.success(),
        "python3 {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8(o.stdout).unwrap())
}

const TEXTS: &[&str] = &[
    "The sky is blue.",
    "Ein Käsebrot, bitte. 🧀",
    "東京は日本の首都です。",
    "  leading and trailing spaces  ",
    "",
    // Already ends with each family's EOS: TRL appends nothing.
    "Done.<|eot_id|>",
    "Done.</s>",
];

#[test]
fn text_records_count_as_trl_tokenizes_them() {
    let ready = Command::new("python3")
        .args(["-c", "import tokenizers"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        println!("skipped: python3 with `tokenizers` is needed for the reference counts");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let built = dir.path().join("built");
    python(&[
        hf_dir().join("make_tokenizers.py").as_os_str(),
        built.as_os_str(),
    ])
    .unwrap();
    let examples = dir.path().join("text.jsonl");
    let lines: Vec<String> = TEXTS
        .iter()
        .map(|t| json!({ "text": t }).to_string())
        .collect();
    std::fs::write(&examples, lines.join("\n") + "\n").unwrap();
    let date: Date = "2026-12-01".parse().unwrap();
    let mut compared = 0;
    // (tokenizer kind, Llama-style BOS post-processor, tokenizer_config.json)
    let cases = [
        (
            "bpe",
            true,
            json!({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
        ),
        ("bpe", false, json!({"eos_token": "</s>"})),
        (
            "unigram",
            true,
            json!({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
        ),
        ("wordpiece", false, json!({"eos_token": "</s>"})),
        // No EOS in the config: nothing is appended.
        ("bpe", false, json!({})),
    ];
    for (i, (kind, bos, config)) in cases.iter().enumerate() {
        let model = dir.path().join(format!("model-{i}"));
        std::fs::create_dir_all(&model).unwrap();
        let src = built.join(kind).join("tokenizer.json");
        let dst = model.join("tokenizer.json");
        if *bos {
            python(&[
                hf_dir().join("text_reference.py").as_os_str(),
                "bos".as_ref(),
                src.as_os_str(),
                dst.as_os_str(),
            ])
            .unwrap();
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
        let mut config = config.clone();
        config["chat_template"] = json!("{% for m in messages %}{{ m.content }}{% endfor %}");
        std::fs::write(model.join("tokenizer_config.json"), config.to_string()).unwrap();
        let want: Vec<u64> = python(&[
            hf_dir().join("text_reference.py").as_os_str(),
            "count".as_ref(),
            model.as_os_str(),
            examples.as_os_str(),
        ])
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["tokens"]
                .as_u64()
                .unwrap()
        })
        .collect();
        assert_eq!(want.len(), TEXTS.len());
        let counter: &'static HfCounter =
            Box::leak(Box::new(HfCounter::load(&model, None, date).unwrap()));
        for (line, want) in lines.iter().zip(&want) {
            let value: Value = serde_json::from_str(line).unwrap();
            let got = ftlint::tokens::count_example(Counter::Hf(counter), &value).total;
            assert_eq!(got, *want, "{kind} (bos: {bos}, {config}): {line}");
            compared += 1;
        }
    }
    assert_eq!(compared, TEXTS.len() * cases.len());
    // The BOS and the EOS are counted: one more each than the plain text.
    let plain_model = dir.path().join("model-0");
    let counter = HfCounter::load(&plain_model, None, date).unwrap();
    assert_eq!(
        counter.count_lm_text("The sky is blue."),
        counter.count_text("The sky is blue.") + 2
    );
}
