#!/usr/bin/env python3
"""The Python reference ftlint is measured against: what teams run today.

OpenAI cookbook "Data preparation and analysis for chat model fine-tuning": json.loads per line,
the format checks, and token counts with tiktoken (3 per message + tokens of every value,
+1 for a name, +3 per example), then examples over the context limit. Prints the counts and the
wall time; `benches/compare.sh` runs it beside ftlint on the same file.
"""
import json
import sys
import time
from collections import defaultdict

import tiktoken


def num_tokens(enc, messages, tokens_per_message=3, tokens_per_name=1):
    n = 0
    for message in messages:
        n += tokens_per_message
        for key, value in message.items():
            if isinstance(value, str):
                n += len(enc.encode(value))
            if key == "name":
                n += tokens_per_name
    return n + 3


def main(path, encoding="o200k_base", limit=65536):
    start = time.perf_counter()
    enc = tiktoken.get_encoding(encoding)
    errors = defaultdict(int)
    examples = 0
    too_long = 0
    total_tokens = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                ex = json.loads(line)
            except json.JSONDecodeError:
                errors["invalid_json"] += 1
                continue
            examples += 1
            if not isinstance(ex, dict):
                errors["data_type"] += 1
                continue
            messages = ex.get("messages", None)
            if not messages:
                errors["missing_messages_list"] += 1
                continue
            for message in messages:
                if not isinstance(message, dict) or "role" not in message or "content" not in message and "tool_calls" not in message:
                    errors["message_missing_key"] += 1
                    continue
                if any(k not in ("role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id") for k in message):
                    errors["message_unrecognized_key"] += 1
                if message.get("role", None) not in ("system", "user", "assistant", "function", "tool"):
                    errors["unrecognized_role"] += 1
                content = message.get("content", None)
                function_call = message.get("function_call", None) or message.get("tool_calls", None)
                if (not content and not function_call) or (content is not None and not isinstance(content, str)):
                    errors["missing_content"] += 1
            if not any(m.get("role", None) == "assistant" for m in messages if isinstance(m, dict)):
                errors["example_missing_assistant_message"] += 1
            n = num_tokens(enc, [m for m in messages if isinstance(m, dict)])
            total_tokens += n
            if n > limit:
                too_long += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"examples": examples, "errors": dict(errors), "tokens": total_tokens,
                      "too_long": too_long, "seconds": round(elapsed, 3)}))


if __name__ == "__main__":
    main(*sys.argv[1:2])
