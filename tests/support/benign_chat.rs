//! Generator of realistic benign chat data (English and Japanese) with no personal data but
//! plenty of near misses: versions, prices, order and tracking numbers, timestamps, release
//! dates, ISBNs, IP addresses, postal codes, `sk-learn`, the word "address", Haskell's `<|>`,
//! public figures' work. Deterministic (own xorshift PRNG) so measurements are repeatable.
//!
//! Shared by `tests/sensitive_benign.rs` (false-positive rate) and
//! `examples/sensitive_bench.rs` (throughput), via `#[path]`.

#![allow(dead_code)]

/// xorshift64* — tiny, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

const SYSTEMS: &[&str] = &[
    "You are a helpful assistant.",
    "You are a customer support agent for an online electronics store.",
    "You are a senior Rust and Python engineer. Answer concisely.",
    "あなたは親切なアシスタントです。",
    "あなたはオンラインショップのカスタマーサポート担当です。丁寧に答えてください。",
    "You are a travel assistant. Prices are in USD unless stated.",
];

const TOPICS_EN: &[&str] = &[
    "pandas",
    "tokio",
    "React",
    "PostgreSQL",
    "Kubernetes",
    "Docker",
    "numpy",
    "serde",
];
const PRODUCTS: &[&str] = &[
    "wireless earbuds",
    "USB-C hub",
    "4K monitor",
    "mechanical keyboard",
    "laptop stand",
];
const PRODUCTS_JA: &[&str] = &[
    "ワイヤレスイヤホン",
    "USB-Cハブ",
    "4Kモニター",
    "メカニカルキーボード",
    "ノートPCスタンド",
];
const CITIES: &[&str] = &["Kyoto", "Lisbon", "Vancouver", "Osaka", "Prague", "Seoul"];
const CITIES_JA: &[&str] = &["京都", "札幌", "福岡", "金沢", "那覇", "仙台"];
const MONTHS: &[&str] = &["January", "March", "April", "June", "September", "November"];
const FIGURES: &[(&str, &str)] = &[
    (
        "Isaac Newton",
        "formulated the laws of motion and universal gravitation",
    ),
    (
        "Ada Lovelace",
        "wrote what is considered the first computer program",
    ),
    ("Marie Curie", "pioneered research on radioactivity"),
    (
        "Alan Turing",
        "formalised computation with the Turing machine",
    ),
];

/// One example: (role, text) messages.
pub fn example(rng: &mut Rng) -> Vec<(&'static str, String)> {
    let sys = rng.pick(SYSTEMS).to_string();
    let (user, assistant) = match rng.below(20) {
        0 => {
            let t = rng.pick(TOPICS_EN);
            let (a, b, c) = (rng.range(0, 3), rng.range(0, 30), rng.range(0, 12));
            (
                format!("After upgrading {t} to {a}.{b}.{c} my build fails with error E0{}. What changed?", rng.digits(3)),
                format!("Version {a}.{b}.{c} (released {}-{:02}-{:02}) removed a deprecated API. Pin `{t} = \"{a}.{}\"` or migrate; see the changelog entry #{}.", rng.range(2019, 2025), rng.range(1, 12), rng.range(1, 28), b.saturating_sub(1), rng.digits(4)),
            )
        }
        1 => {
            let p = rng.pick(PRODUCTS);
            (
                format!("Where is my order #{}-{}? I bought the {p}.", rng.range(100, 999), rng.digits(7)),
                format!("Order {}-{} shipped on {} {}, {} at 14:{:02} UTC. Tracking number: 1Z{}{}. The total was ${}.{:02} including ${}.{:02} tax.", rng.range(100, 999), rng.digits(7), rng.pick(MONTHS), rng.range(1, 28), rng.range(2022, 2025), rng.range(0, 59), rng.digits(6), rng.digits(10), rng.range(20, 900), rng.range(0, 99), rng.range(1, 60), rng.range(0, 99)),
            )
        }
        2 => {
            let p = rng.pick(PRODUCTS_JA);
            (
                format!("{p}の注文番号{}の配送状況を教えてください。", rng.digits(12)),
                format!("ご注文（注文番号：{}）は{}年{}月{}日に発送済みです。お支払い金額は{},{}円（税込）です。お問い合わせ番号は{}-{}-{}です。", rng.digits(12), rng.range(2023, 2025), rng.range(1, 12), rng.range(1, 28), rng.range(1, 99), rng.digits(3), rng.digits(4), rng.digits(4), rng.digits(4)),
            )
        }
        3 => (
            "How do I read a timestamp like 1718000000 in Python?".to_string(),
            format!("Use `datetime.fromtimestamp({}{})`. For milliseconds ({}{}), divide by 1000. ISO form: {}-{:02}-{:02}T{:02}:{:02}:{:02}+09:00.", "17", rng.digits(8), "17", rng.digits(11), rng.range(2020, 2025), rng.range(1, 12), rng.range(1, 28), rng.range(0, 23), rng.range(0, 59), rng.range(0, 59)),
        ),
        4 => (
            "Which library should I use for a random forest: sk-learn or xgboost?".to_string(),
            "scikit-learn (often called sk-learn) is the simplest start: `from sklearn.ensemble import RandomForestClassifier`. Set your OPENAI_API_KEY=sk-... only in the environment, never in code.".to_string(),
        ),
        5 => {
            let c = rng.pick(CITIES);
            (
                format!("Plan a 3-day trip to {c} for under ${}.", rng.range(500, 3000)),
                format!("Day 1: arrive by 10:30, check in (about ${} per night). Day 2: museums ({} tickets at ${}.{:02}). Day 3: markets. Total about ${},{:03}. Flights depart at {:02}:{:02}, gate {}{}.", rng.range(80, 300), rng.range(2, 5), rng.range(10, 40), rng.range(0, 99), rng.range(1, 2), rng.range(0, 999), rng.range(5, 22), rng.range(0, 59), rng.pick(&["A", "B", "C"]), rng.range(1, 60)),
            )
        }
        6 => {
            let c = rng.pick(CITIES_JA);
            (
                format!("{c}で2泊3日の旅行プランを立ててください。予算は{}万円です。", rng.range(5, 30)),
                format!("1日目：{c}駅に10時{}分着、ホテル（1泊{},{}円）にチェックイン。2日目：美術館（入館料{}円）。3日目：市場を散策し、{}時{}分の新幹線で帰ります。", rng.range(10, 59), rng.range(6, 25), rng.digits(3), rng.range(500, 2000), rng.range(15, 19), rng.range(10, 59)),
            )
        }
        7 => (
            format!("What does the ISBN {}-{}-{}-{}-{} tell me?", 978, rng.range(0, 4), rng.digits(2), rng.digits(6), rng.range(0, 9)),
            "The prefix 978 marks a book, the next group is the language area, then the publisher, the title and a check digit.".to_string(),
        ),
        8 => (
            "What's the difference between an IP address and a MAC address?".to_string(),
            format!("An IP address like 192.168.{}.{} identifies a host on a network; a MAC address like 00:1A:2B:{:02X}:{:02X}:{:02X} identifies a network interface. Use the address field in the router settings to reserve an address.", rng.range(0, 255), rng.range(1, 254), rng.range(0, 255), rng.range(0, 255), rng.range(0, 255)),
        ),
        9 => (
            "郵便番号の書き方を教えてください。".to_string(),
            format!("郵便番号は「〒{}-{}」のように3桁-4桁で書きます。住所欄には都道府県から番地まで書きますが、ここでは例を省略します。", rng.digits(3), rng.digits(4)),
        ),
        10 => {
            let (name, what) = FIGURES[rng.below(FIGURES.len() as u64) as usize];
            (
                format!("Who was {name}?"),
                format!("{name} {what}. Their work is still cited in {} papers a year.", rng.range(1000, 9000)),
            )
        }
        11 => (
            "In Haskell, what does <|> do?".to_string(),
            "`<|>` from Control.Applicative tries the left parser and falls back to the right: `p <|> q`. In F#, `|>` pipes a value.".to_string(),
        ),
        12 => (
            format!("Compute {} * {} and format it with thousands separators.", rng.range(1000, 99999), rng.range(100, 9999)),
            format!("The product is {},{:03},{:03}. In Python: `f\"{{n:,}}\"`. As a percentage of 10^9 it is {}.{}%.", rng.range(1, 999), rng.range(0, 999), rng.range(0, 999), rng.range(0, 99), rng.range(0, 9)),
        ),
        13 => (
            "When is the next release?".to_string(),
            format!("v{}.{}.0 is planned for {} {}, {}; the release candidate {}.{}.0-rc.{} ships on {}/{}/{}.", rng.range(1, 9), rng.range(0, 20), rng.pick(MONTHS), rng.range(1, 28), rng.range(2025, 2026), rng.range(1, 9), rng.range(0, 20), rng.range(1, 3), rng.range(1, 12), rng.range(1, 28), rng.range(2025, 2026)),
        ),
        14 => (
            "ログの時刻の読み方は？".to_string(),
            format!("「{}-{:02}-{:02} {:02}:{:02}:{:02}.{}」は日付と時刻、末尾はミリ秒です。プロセスIDは{}、スレッド番号は{}です。", rng.range(2023, 2025), rng.range(1, 12), rng.range(1, 28), rng.range(0, 23), rng.range(0, 59), rng.range(0, 59), rng.digits(3), rng.digits(5), rng.range(1, 64)),
        ),
        15 => (
            "Write a SQL query for orders over $100 in 2024.".to_string(),
            format!("```sql\nSELECT id, total FROM orders\nWHERE total > 100.00 AND created_at BETWEEN '2024-01-01' AND '2024-12-31'\nLIMIT {};\n```\nIndex `created_at` if the table has more than {},000 rows.", rng.range(10, 500), rng.range(10, 900)),
        ),
        16 if rng.below(2) == 0 => (
            "Any promotions this month?".to_string(),
            format!("Our birthday sale runs until {}-03-31: {}% off. Invoice {} and order 4{} keep their prices.", rng.range(2025, 2026), rng.range(5, 30), rng.digits(16), rng.digits(15)),
        ),
        16 => (
            "What is a good password policy?".to_string(),
            "Require at least 12 characters, check against breached-password lists, allow passphrases, and store hashes with Argon2id (m=19456, t=2, p=1). Never e-mail passwords.".to_string(),
        ),
        17 => (
            format!("Convert {} km to miles and {} kg to pounds.", rng.range(1, 500), rng.range(1, 200)),
            format!("{} km ≈ {}.{} miles; {} kg ≈ {}.{} lb. A height of {} cm is about {}'{}\".", rng.range(1, 500), rng.range(1, 300), rng.range(0, 9), rng.range(1, 200), rng.range(2, 440), rng.range(0, 9), rng.range(150, 200), rng.range(4, 6), rng.range(0, 11)),
        ),
        18 => (
            "会議の議事録をまとめてください。".to_string(),
            format!("議題：第{}四半期の売上（前年比{}.{}%増）、新製品の発売日（{}年{}月{}日予定）、次回会議は{}月{}日{}時から。担当チームは3名、予算は{}万円です。", rng.range(1, 4), rng.range(1, 30), rng.range(0, 9), rng.range(2025, 2026), rng.range(1, 12), rng.range(1, 28), rng.range(1, 12), rng.range(1, 28), rng.range(9, 17), rng.range(50, 900)),
        ),
        _ => (
            "How do I configure the API client?".to_string(),
            format!("Set the base URL to https://api.example.com/v{}, the timeout to {} s, and contact support@example.com if you get HTTP {}. Retry after {} ms.", rng.range(1, 3), rng.range(5, 120), rng.pick(&["429", "503", "500"]), rng.range(100, 5000)),
        ),
    };
    vec![("system", sys), ("user", user), ("assistant", assistant)]
}

/// `n` examples as JSONL lines.
pub fn jsonl(seed: u64, n: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for _ in 0..n {
        let msgs: Vec<serde_json::Value> = example(&mut rng)
            .into_iter()
            .map(|(role, content)| serde_json::json!({"role": role, "content": content}))
            .collect();
        out.push_str(&serde_json::json!({ "messages": msgs }).to_string());
        out.push('\n');
    }
    out
}
