//! Deterministic benchmark input: realistic chat fine-tuning lines in English and Japanese,
//! multi-turn, some with tool calls, and a defect every 1,000 lines (rotating through the kinds
//! a real dataset has). The same seed and size always give the same bytes.

use std::io::{self, Write};

pub const EN: &[&str] = &[
    "the",
    "model",
    "answer",
    "question",
    "please",
    "explain",
    "how",
    "data",
    "training",
    "token",
    "customer",
    "order",
    "delivery",
    "weather",
    "today",
    "because",
    "example",
    "function",
    "value",
    "return",
    "quickly",
    "carefully",
    "summary",
    "report",
    "with",
    "without",
    "about",
    "and",
    "or",
    "a",
    "is",
    "are",
    "was",
    "it",
    "this",
    "that",
    "for",
    "in",
    "on",
    "to",
];
pub const JA: &[&str] = &[
    "日本語",
    "の",
    "文章",
    "を",
    "生成",
    "します",
    "東京",
    "大阪",
    "です",
    "ます",
    "天気",
    "今日",
    "お客様",
    "注文",
    "配送",
    "について",
    "説明",
    "してください",
    "ありがとうございます",
    "。",
    "、",
];

/// xorshift64*: small, fast, reproducible everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn sentence(rng: &mut Rng, japanese: bool, words: u64) -> String {
    let mut s = String::new();
    for i in 0..words {
        if japanese {
            s.push_str(JA[rng.below(JA.len() as u64) as usize]);
        } else {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(EN[rng.below(EN.len() as u64) as usize]);
        }
    }
    s
}

fn string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// One line (without newline). `i` is the 0-based line index.
pub fn line(rng: &mut Rng, i: u64) -> String {
    let japanese = rng.below(3) == 0;
    let turns = 1 + rng.below(3);
    let mut msgs = vec![format!(
        r#"{{"role": "system", "content": {}}}"#,
        string(if japanese {
            "あなたは親切なアシスタントです。"
        } else {
            "You are a helpful assistant."
        })
    )];
    let tools = rng.below(10) == 0;
    for t in 0..turns {
        let words = 8 + rng.below(30);
        let q = sentence(rng, japanese, words);
        msgs.push(format!(r#"{{"role": "user", "content": {}}}"#, string(&q)));
        if tools && t == 0 {
            msgs.push(format!(
                r#"{{"role": "assistant", "tool_calls": [{{"id": "call_{i}", "type": "function", "function": {{"name": "lookup", "arguments": "{{\"query\": \"item {i}\"}}"}}}}]}}"#
            ));
            msgs.push(format!(
                r#"{{"role": "tool", "tool_call_id": "call_{i}", "content": {}}}"#,
                string(&sentence(rng, japanese, 10))
            ));
        }
        let words = 20 + rng.below(120);
        let a = sentence(rng, japanese, words);
        msgs.push(format!(
            r#"{{"role": "assistant", "content": {}}}"#,
            string(&a)
        ));
    }
    let tool_defs = if tools {
        r#", "tools": [{"type": "function", "function": {"name": "lookup", "description": "Find an item", "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}}]"#
    } else {
        ""
    };
    let mut line = format!(r#"{{"messages": [{}]{tool_defs}}}"#, msgs.join(", "));
    if i % 1000 == 999 {
        line = match (i / 1000) % 5 {
            0 => line.replacen(r#""role": "assistant""#, r#""role": "bot""#, 1),
            1 => line[..line.len() - 1].to_string(),
            2 => line.replacen(r#"{"messages""#, r#"{"id": 7, "messages""#, 1),
            3 => line.replacen(
                r#""role": "user", "content""#,
                r#""role": "user", "content": "x", "content""#,
                1,
            ),
            _ => format!(
                "{}, {{\"role\": \"user\", \"content\": \"thanks\"}}]}}",
                &line[..line.len() - 2]
            ),
        };
    }
    line
}

/// Writes about `bytes` bytes of lines; returns the number of lines.
pub fn generate(bytes: u64, seed: u64, out: &mut impl Write) -> io::Result<u64> {
    let mut rng = Rng::new(seed);
    let (mut written, mut i) = (0u64, 0u64);
    while written < bytes {
        let l = line(&mut rng, i);
        out.write_all(l.as_bytes())?;
        out.write_all(b"\n")?;
        written += l.len() as u64 + 1;
        i += 1;
    }
    Ok(i)
}
