//! Property tests of the position mapping: for random JSON written in random styles (spacing,
//! `\uXXXX` escapes, surrogate pairs, non-ASCII), the span found for every pointer, sliced from
//! the raw line, parses back to the value at that pointer; and columns count characters.

use ftlint::json::locate::locate;
use ftlint::json::{parse_line, Pointer};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn arb_string() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('a'),
            Just('"'),
            Just('\\'),
            Just('/'),
            Just('\n'),
            Just('\t'),
            Just('\u{1}'),
            Just('é'),
            Just('日'),
            Just('😀'),
            Just(' '),
            any::<char>(),
        ],
        0..8,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((arb_string(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Writes JSON with spacing and escaping chosen by `style` bits.
struct Writer {
    style: u64,
    out: String,
}

impl Writer {
    fn coin(&mut self) -> bool {
        // xorshift: a deterministic stream of choices from the seed.
        self.style ^= self.style << 13;
        self.style ^= self.style >> 7;
        self.style ^= self.style << 17;
        self.style & 1 == 1
    }
    fn ws(&mut self) {
        if self.coin() {
            self.out.push(' ');
        }
    }
    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' if self.coin() => self.out.push_str("\\n"),
                '\t' if self.coin() => self.out.push_str("\\t"),
                '/' if self.coin() => self.out.push_str("\\/"),
                c if (c as u32) < 0x20 || self.coin() => {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        self.out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
    fn value(&mut self, v: &Value) {
        match v {
            Value::String(s) => self.string(s),
            Value::Array(a) => {
                self.out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.ws();
                    self.value(x);
                    self.ws();
                }
                self.out.push(']');
            }
            Value::Object(o) => {
                self.out.push('{');
                for (i, (k, x)) in o.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.ws();
                    self.string(k);
                    self.ws();
                    self.out.push(':');
                    self.ws();
                    self.value(x);
                    self.ws();
                }
                self.out.push('}');
            }
            other => self.out.push_str(&other.to_string()),
        }
    }
}

fn pointers(v: &Value, here: Pointer, out: &mut Vec<Pointer>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, here.index(i), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                pointers(x, here.key(k), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_pointer_span_parses_back_to_its_value(v in arb_value(), style in 1u64..u64::MAX) {
        let mut w = Writer { style, out: String::new() };
        w.value(&v);
        let text = w.out;
        let parsed = parse_line(&text).expect("our writer writes JSON");
        prop_assert_eq!(&parsed.value, &v);
        let mut ptrs = Vec::new();
        pointers(&v, Pointer::root(), &mut ptrs);
        for p in ptrs {
            let loc = locate(&text, &p).expect("every pointer is found");
            let slice = &text[loc.value.clone()];
            let back: Value = serde_json::from_str(slice).unwrap();
            prop_assert_eq!(&back, v.pointer(&p.to_string()).unwrap(), "pointer {} in {}", p, text);
            if let Some(key) = loc.key {
                let k: String = serde_json::from_str(&text[key]).unwrap();
                prop_assert_eq!(Some(k.as_str()), p.last_key());
            }
        }
    }

    #[test]
    fn columns_count_unicode_scalars(prefix in arb_string(), tail in arb_string()) {
        let line = format!("{prefix}X{tail}");
        let start = prefix.len();
        let loc = ftlint::input::position::location(&line, &(start..start + 1), 3, 10);
        prop_assert_eq!(loc.column as usize, prefix.chars().count() + 1);
        prop_assert_eq!(loc.end_column, loc.column + 1);
        prop_assert_eq!(loc.byte_offset as usize, 10 + start);
    }
}

/// Thousands of findings in one line, behind escapes and wide characters, each at its exact
/// column: the line's columns are counted once for all of them (and the string located once),
/// so this must also stay right.
#[test]
fn many_findings_in_one_line_each_at_its_column() {
    use ftlint::engine::{check_reader, DatasetLimits, Options};
    let mut content = String::new();
    let mut expected = Vec::new();
    for i in 0..2000 {
        // A wide character and an escaped quote before each address shift bytes, chars and raw
        // text differently.
        content.push_str(&format!("é \"{i}\" 漢 user{i}@example-mail.com "));
    }
    let line = serde_json::json!({"messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": content},
    ]})
    .to_string();
    for i in 0..2000 {
        let address = format!("user{i}@example-mail.com");
        let mut from = 0;
        let at = loop {
            let at = from + line[from..].find(&address).unwrap();
            // `user1@…` is also inside `user10@…`: take the match that starts a word.
            if line.as_bytes()[at - 1] == b' ' {
                break at;
            }
            from = at + 1;
        };
        let column = line[..at].chars().count() as u64 + 1;
        expected.push((column, column + address.chars().count() as u64));
    }
    let opts = Options::rules_only(
        [ftlint::diagnostic::Rule::S002].into_iter().collect(),
        Default::default(),
        DatasetLimits::NONE,
    );
    let report = check_reader("t".into(), format!("{line}\n").as_bytes(), &opts).unwrap();
    let got: Vec<(u64, u64)> = report
        .diagnostics
        .iter()
        .map(|d| {
            let l = d.location.unwrap();
            (l.column, l.end_column)
        })
        .collect();
    assert_eq!(got.len(), 2000);
    assert_eq!(got, expected);
}
