"""Builds the tokenizers the token tests count with, using Python `tokenizers`.

    python3 make_tokenizers.py OUT_DIR

- OUT_DIR/bpe/tokenizer.json: a byte-level BPE (GPT-2 / Llama 3 style: ByteLevel
  pre-tokenizer and decoder) trained on corpus.txt, vocabulary 2,000;
- OUT_DIR/wordpiece/tokenizer.json: a WordPiece (BERT style: NFD + lowercase + strip accents,
  Whitespace/Punctuation pre-tokenizer) trained on the same corpus, vocabulary 1,500;
- OUT_DIR/unigram/tokenizer.json: a Unigram (SentencePiece style: Metaspace) trained on it,
  vocabulary 800.

Each has the chat templates' special tokens as added special tokens, as real models do, so
`<|eot_id|>` is one token and not its characters.
"""

import os
import sys

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

SPECIAL = [
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<|im_start|>",
    "<|im_end|>",
    "<s>",
    "</s>",
    "<bos>",
    "<eos>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<unk>",
    "[UNK]",
]


def corpus():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "corpus.txt"), encoding="utf-8") as f:
        return [line for line in f.read().splitlines() if line.strip()]


def main(out):
    lines = corpus()

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        lines,
        trainers.BpeTrainer(
            vocab_size=2000,
            special_tokens=SPECIAL,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        ),
    )
    save(bpe, out, "bpe")

    wp = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    wp.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True)
    wp.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    wp.decoder = decoders.WordPiece()
    wp.train_from_iterator(
        lines,
        trainers.WordPieceTrainer(vocab_size=1500, special_tokens=SPECIAL, show_progress=False),
    )
    save(wp, out, "wordpiece")

    uni = Tokenizer(models.Unigram())
    uni.normalizer = normalizers.NFKC()
    uni.pre_tokenizer = pre_tokenizers.Metaspace()
    uni.decoder = decoders.Metaspace()
    uni.train_from_iterator(
        lines,
        trainers.UnigramTrainer(
            vocab_size=800, special_tokens=SPECIAL, unk_token="<unk>", show_progress=False
        ),
    )
    save(uni, out, "unigram")


def save(tok, out, name):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    tok.save(os.path.join(folder, "tokenizer.json"))


if __name__ == "__main__":
    main(sys.argv[1])
