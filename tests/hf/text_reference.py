"""The Python reference for ftlint's counts of TRL language-modeling (`text`) records.

    python3 text_reference.py bos SRC_TOKENIZER_JSON DST_TOKENIZER_JSON
    python3 text_reference.py count MODEL_DIR EXAMPLES.jsonl

`bos` writes a copy of a tokenizer.json whose post-processor puts `<|begin_of_text|>` before
the text, as Llama 3's tokenizer does (a `TemplateProcessing`).

`count` prints, for each line of EXAMPLES.jsonl (`{"text": ...}`), `{"tokens": N}`: what TRL's
SFTTrainer trains on (trl/trainer/sft_trainer.py, read 2026-12-01): `add_eos` appends the
tokenizer's `eos_token` unless the text already ends with it, then trl/data_utils.py
`_tokenize` calls `processing_class(text=...)`, which for a fast tokenizer is the backend's
`encode(text, add_special_tokens=True)` (the post-processor's special tokens; the EOS text is
matched as the added special token it is).
"""

import json
import sys

from tokenizers import Tokenizer, processors


def bos(src, dst):
    tok = Tokenizer.from_file(src)
    bos = "<|begin_of_text|>"
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A", pair=f"{bos} $A $B", special_tokens=[(bos, tok.token_to_id(bos))]
    )
    tok.save(dst)


def count(model_dir, examples):
    tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    with open(f"{model_dir}/tokenizer_config.json", encoding="utf-8") as f:
        eos = json.load(f).get("eos_token")
    with open(examples, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            text = json.loads(line)["text"]
            if eos is not None and not text.endswith(eos):
                text = text + eos
            print(json.dumps({"tokens": len(tok.encode(text, add_special_tokens=True).ids)}))


if __name__ == "__main__":
    if sys.argv[1] == "bos":
        bos(sys.argv[2], sys.argv[3])
    else:
        count(sys.argv[2], sys.argv[3])
