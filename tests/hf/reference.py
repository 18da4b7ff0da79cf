"""The Python reference for ftlint's open-model token counts.

    python3 reference.py MODEL_DIR EXAMPLES.jsonl DATE

MODEL_DIR holds tokenizer.json and tokenizer_config.json (with `chat_template`). For each line
of EXAMPLES.jsonl (a chat example: `messages`, optional `tools`) prints one JSON line:
`{"tokens": N, "text": RENDERED}` or `{"error": MESSAGE}`.

It mirrors transformers' `apply_chat_template(messages, tools=tools, tokenize=True,
add_generation_prompt=False)` (transformers/utils/chat_template_utils.py,
`_compile_jinja_template` and `render_jinja_template`; tokenization_utils_base.py): a jinja2
ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks, the loopcontrols extension and
a `{% generation %}` tag, its `tojson` filter (json.dumps, ensure_ascii=False), the
`raise_exception` and `strftime_now` globals; the template gets `messages`, `tools`,
`documents=None`, `add_generation_prompt=False` and the special tokens of
tokenizer_config.json as text; the rendered text is encoded with add_special_tokens=False.
`strftime_now` prints DATE (YYYY-MM-DD) at midnight, as ftlint does, so both sides agree.
"""

import datetime
import json
import os
import sys

import jinja2
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tokenizers import Tokenizer

SPECIAL_KEYS = [
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
]


class GenerationTag(Extension):
    """transformers' AssistantTracker without the index bookkeeping: the body as is."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def token_text(v):
    if isinstance(v, dict):
        return v.get("content")
    return v


def environment(date):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(
            x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
        )

    def strftime_now(fmt):
        return date.strftime(fmt)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main(model_dir, examples, date):
    date = datetime.datetime.strptime(date, "%Y-%m-%d")
    with open(os.path.join(model_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        config = json.load(f)
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    template = config["chat_template"]
    if isinstance(template, list):
        template = {t["name"]: t["template"] for t in template}
    specials = {}
    for key in SPECIAL_KEYS:
        text = token_text(config.get(key))
        if text is not None:
            specials[key] = text
    extra = [token_text(t) for t in config.get("additional_special_tokens") or []]
    if extra:
        specials["additional_special_tokens"] = extra
    env = environment(date)
    out = sys.stdout
    with open(examples, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            ex = json.loads(line)
            tools = ex.get("tools")
            source = template
            if isinstance(template, dict):
                source = template["tool_use"] if tools is not None and "tool_use" in template else template["default"]
            try:
                text = env.from_string(source).render(
                    messages=ex["messages"],
                    tools=tools,
                    documents=None,
                    add_generation_prompt=False,
                    **specials,
                )
            except jinja2.exceptions.TemplateError as e:
                out.write(json.dumps({"error": str(e)}, ensure_ascii=False) + "\n")
                continue
            n = len(tok.encode(text, add_special_tokens=False).ids)
            out.write(json.dumps({"tokens": n, "text": text}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
