"""Builds the small tokenizer the T-rule fixtures count with (fixtures/tokenizers/chatml-bpe):

    python3 tests/hf/make_fixture_tokenizer.py fixtures/tokenizers/chatml-bpe

A byte-level BPE (vocabulary 600) trained on tests/hf/corpus.txt with ChatML's special tokens,
and a tokenizer_config.json with the ChatML template of tests/hf/templates/chatml.jinja (which
raises when roles do not alternate) and `eos_token`. Committed, so the rule tests need no
Python; run again only to change it.
"""

import json
import os
import sys

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]
with open(os.path.join(here, "corpus.txt"), encoding="utf-8") as f:
    lines = [line for line in f.read().splitlines() if line.strip()]
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
tok.train_from_iterator(
    lines,
    trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|im_start|>", "<|im_end|>", "<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    ),
)
os.makedirs(out, exist_ok=True)
tok.save(os.path.join(out, "tokenizer.json"))
with open(os.path.join(here, "templates", "chatml.jinja"), encoding="utf-8") as f:
    template = f.read()
config = {
    "chat_template": template,
    "eos_token": "<|im_end|>",
    "pad_token": "<|endoftext|>",
    "model_max_length": 512,
}
with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
    json.dump(config, f, indent=2, ensure_ascii=False)
    f.write("\n")
