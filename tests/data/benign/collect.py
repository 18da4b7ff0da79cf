#!/usr/bin/env python3
"""Builds the benign prose of `tests/pii_corpus.rs` (`benign_prose_has_no_sensitive_findings`):
real documentation and code under permissive licences, cut into chat examples.

    python3 tests/data/benign/collect.py

Sources (see SOURCES.md for versions and licences; the licence texts are in `licenses/`):
the Markdown documentation shipped in crates of the local Cargo registry (MIT / Apache-2.0 /
Unlicense), and modules of the CPython 3.13 standard library (PSF-2.0). Each example holds up to
twelve consecutive lines of one file: the first half as the user message, the rest as the
assistant's. Lines holding an e-mail address are left out (see EMAIL). Deterministic: files in the listed order, no randomness.
"""
import glob
import json
import os
import re

# Author and code-of-conduct contact addresses (`steven.bethard@gmail.com` in argparse's header,
# one in miette's docs) are real personal data: S002 rightly reports them, so their lines are
# left out of a corpus meant to hold none. Nothing else is filtered.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

HERE = os.path.dirname(os.path.abspath(__file__))
REG = glob.glob(os.path.expanduser("~/.cargo/registry/src/*/"))[0]
PY = os.path.expanduser("~/.pyenv/versions/3.13.0/lib/python3.13/")

# (output name, base dir, relative files)
SOURCES = [
    ("tokio-docs", REG + "tokio-1.54.1/", ["CHANGELOG.md", "README.md"]),
    ("clap-docs", REG + "clap-4.6.9/", None),
    ("regex-docs", REG + "regex-1.13.2/", None),
    ("rayon-docs", REG + "rayon-1.12.0/", None),
    ("proptest-docs", REG + "proptest-1.12.0/", None),
    ("aho-corasick-docs", REG + "aho-corasick-1.1.5/", None),
    ("itertools-docs", REG + "itertools-0.15.0/", None),
    ("miette-docs", REG + "miette-7.6.0/", None),
    ("cpython-stdlib", PY, ["argparse.py", "textwrap.py", "functools.py", "enum.py", "dataclasses.py", "shutil.py"]),
]


def files_of(base, rel):
    if rel is not None:
        return [base + r for r in rel]
    return sorted(glob.glob(base + "**/*.md", recursive=True))


def examples(text):
    lines = [l.rstrip() for l in text.splitlines() if not EMAIL.search(l)]
    out = []
    for i in range(0, len(lines), 12):
        chunk = [l for l in lines[i:i + 12]]
        if not any(l.strip() for l in chunk):
            continue
        half = max(1, len(chunk) // 2)
        user, assistant = "\n".join(chunk[:half]), "\n".join(chunk[half:])
        msgs = [{"role": "user", "content": user}]
        msgs.append({"role": "assistant", "content": assistant if assistant.strip() else "OK."})
        out.append({"messages": msgs})
    return out


def main():
    for name, base, rel in SOURCES:
        with open(os.path.join(HERE, name + ".jsonl"), "w", encoding="utf-8") as f:
            for path in files_of(base, rel):
                with open(path, encoding="utf-8") as src:
                    for ex in examples(src.read()):
                        f.write(json.dumps(ex, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
