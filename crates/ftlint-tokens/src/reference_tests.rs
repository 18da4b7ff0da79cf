//! The counter against `bpe-openai` (whose output equals tiktoken's): the same pieces and the
//! same counts on random text drawn from every character class the split patterns distinguish,
//! on adversarial runs (contractions, case changes, marks, spaces before line breaks), and on
//! long pieces (the backtracking path).

use super::{count, split, vocab::Vocab};
use crate::Encoding;

fn reference(encoding: Encoding) -> &'static bpe_openai::Tokenizer {
    match encoding {
        Encoding::O200kBase => bpe_openai::o200k_base(),
        Encoding::Cl100kBase => bpe_openai::cl100k_base(),
    }
}

fn ours(encoding: Encoding, text: &str) -> Vec<&str> {
    let end = match encoding {
        Encoding::O200kBase => split::o200k_piece,
        Encoding::Cl100kBase => split::cl100k_piece,
    };
    split::pieces(text, end)
        .map(|p| std::str::from_utf8(p).expect("pieces end on char boundaries"))
        .collect()
}

/// Same pieces and same count as the reference, or a message saying where they differ.
fn compare(text: &str) -> Result<(), String> {
    for enc in Encoding::ALL {
        let want: Vec<&str> = reference(enc).split(text).collect();
        let got = ours(enc, text);
        if got != want {
            return Err(format!(
                "{enc}: {text:?}\n  ours: {got:?}\n  want: {want:?}"
            ));
        }
        let (got, want) = (count(enc, text), reference(enc).count(text));
        if got != want {
            return Err(format!("{enc}: {text:?}: count {got}, want {want}"));
        }
    }
    Ok(())
}

/// Characters of every class the patterns tell apart, and the ones they single out.
const ALPHABET: &[&str] = &[
    "a", "z", "A", "Z", "s", "S", "t", "T", "r", "R", "e", "E", "v", "V", "m", "M", "l", "L", "d",
    "D", "ſ", "'", "'", "'", "0", "7", "١", "²", "Ⅻ", "½", " ", " ", " ", "\t", "\r", "\n", "\r\n",
    "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{2028}", "\u{3000}", "/", ".", ",", "!", "?", "-",
    "_", "\"", "(", ")", "{", "}", "@", "#", "$", "%", "&", "*", "+", "=", "<", ">", "|", "\\",
    "~", "`", "^", ";", ":", "é", "É", "ß", "ǅ", "ʰ", "ー", "々", "\u{301}", "\u{308}", "\u{93f}",
    "क", "ि", "ก", "ั", "东", "京", "の", "ア", "한", "ا", "ب", "ω", "Ω", "я", "Я", "🙂", "👍🏽",
    "\u{200d}", "\u{fe0f}", "\u{0}", "\u{7f}", "\u{ad}", "™", "€", "…", "“", "”", "。", "、", "！",
    "（", "）", "＿", "Ａ", "ｚ", "０", "𝔸", "𝕒",
];

/// A small deterministic generator (splitmix64), so that a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    for _ in 0..len {
        s.push_str(ALPHABET[rng.below(ALPHABET.len())]);
    }
    s
}

#[test]
fn random_text_splits_and_counts_like_the_reference() {
    let mut rng = Rng(7);
    for case in 0..20_000 {
        let len = 1 + rng.below(if case % 10 == 0 { 60 } else { 12 });
        let text = random_text(&mut rng, len);
        if let Err(e) = compare(&text) {
            panic!("case {case}: {e}");
        }
    }
}

#[test]
fn adversarial_cases() {
    let cases = [
        "",
        "a",
        " ",
        "  ",
        "\n",
        " \n",
        "\n ",
        "  \n  ",
        "\r\n\r\n  x",
        "a  b",
        "a \n b",
        "   x",
        "x   ",
        "\t\tx",
        "\u{3000}x",
        "\u{3000}\u{3000}",
        "don't",
        "DON'T",
        "I'm",
        "we'll",
        "they're",
        "you've",
        "he'd",
        "it'ſ",
        "'s",
        "'S",
        "''s",
        "x'",
        "x'l",
        "x'll",
        "x're",
        "x'rex",
        "ABCdef",
        "ABC",
        "AbC",
        "aBC",
        "ǅungla",
        "ʰa",
        "aʰ",
        "é",
        "e\u{301}",
        "\u{301}",
        "\u{301}a",
        " \u{301}",
        "क\u{93f}",
        "東京都",
        "東京ー々",
        "12345",
        "1,234.56",
        "١٢٣٤",
        "x²³⁴⁵",
        "ⅫⅫⅫⅫ",
        "!!!",
        " !!!",
        "  !!!",
        "!!!\n\n",
        "a/b//c\n",
        "//\r\n",
        "...\r\n\n",
        "🙂🙂",
        " 🙂",
        "http://example.com/a?b=c",
        "<|endoftext|>",
        "\u{85}x",
        "x\u{85}",
        "\u{2028}\u{2028}x",
        "\u{a0}a",
        "\u{a0}\u{a0}a",
        "\u{0}\u{0}",
        "\u{ad}a",
        "Ｈｅｌｌｏ",
        "𝔸𝕒",
        "a\u{200d}b",
        "👍🏽👍🏽",
        "\n\n\n",
        "x\n",
        "x \n",
        "x \t\n y",
        "The quick brown fox's jumps — “quoted” …",
        "    def f(x):\n        return x\n",
    ];
    for text in cases {
        if let Err(e) = compare(text) {
            panic!("{e}");
        }
    }
}

#[test]
fn long_pieces_agree() {
    let mut rng = Rng(11);
    let runs: [&[&str]; 4] = [
        &["東", "京", "都", "の", "ア", "ー", "一", "二"],
        &["a", "b", "c", "e", "s", "t"],
        &["!", "?", ".", "/", "-"],
        &["한", "국", "어"],
    ];
    for run in runs {
        for len in [100, 129, 200, 1_000, 5_000] {
            let text: String = (0..len).map(|_| run[rng.below(run.len())]).collect();
            if let Err(e) = compare(&text) {
                panic!("{}", &e[..e.len().min(400)]);
            }
        }
    }
}

#[test]
fn a_megabyte_piece_is_counted_in_reasonable_time() {
    // One piece of 1 MB (a CJK run without spaces): tiktoken's quadratic merge would take hours;
    // backtracking is about linear.
    let text = "東京".repeat(170_000);
    let n = count(Encoding::O200kBase, &text);
    assert_eq!(n, reference(Encoding::O200kBase).count(&text));
    assert_eq!(
        super::backtrack::count_piece(
            super::backtrack::Tables::o200k_base(),
            Vocab::o200k_base(),
            "東".as_bytes()
        ),
        1
    );
}
