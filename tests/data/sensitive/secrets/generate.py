#!/usr/bin/env python3
"""Generates the labelled secret corpus of tests/secret_corpus.rs (seeded: rerunning it gives the
same files byte for byte).

    python3 tests/data/sensitive/secrets/generate.py

Writes, next to this script:
- generated.jsonl: realistic positives per family (valid checksums where the format has one),
  each in a chat-like sentence, and hard negatives (placeholders, runs, structurally invalid
  keys, broken checksums, JWTs whose header is not JSON, prose naming key kinds).
The published samples (published.jsonl) are written by hand from the sources they name.

One record per line: {"text", "label": "S001"|"S011"|null, "family", "span": [start, end]
(character offsets of the secret in text, positives only), "source"}.
Only the formats come from the sources; every key here is random.
"""
import base64
import json
import os
import random
import string
import zlib

SEED = 20261201
rng = random.Random(SEED)

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DG = string.digits
B62 = DG + UP + LO
HEX = DG + "abcdef"
B32 = UP + "234567"
B64 = UP + LO + DG + "+/"
URL64 = UP + LO + DG + "-_"


def rand(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b62(n):
    out = ""
    for _ in range(6):
        out = B62[n % 62] + out
        n //= 62
    return out


def github_classic(prefix):
    body = rand(B62, 30)
    return prefix + body + b62(zlib.crc32(body.encode()))


def b64url(obj):
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(signed=True):
    alg = rng.choice(["HS256", "RS256", "ES256", "HS512"]) if signed else "none"
    header = {"alg": alg, "typ": "JWT"}
    if rng.random() < 0.3:
        header["kid"] = rand(B62, 12)
    payload = {
        "sub": str(rng.randint(10**6, 10**9)),
        "iat": rng.randint(1_500_000_000, 1_800_000_000),
    }
    if rng.random() < 0.5:
        payload["name"] = rng.choice(["Ana", "Kenji", "Priya", "Olu"])
    if rng.random() < 0.4:
        payload["scope"] = rng.choice(["read", "read write", "admin"])
    sig = rand(URL64, rng.choice([43, 86, 342])) if signed else ""
    return b64url(header) + "." + b64url(payload) + "." + sig


def pem(kind):
    body_len = rng.choice([4, 6, 12, 25])
    lines = [rand(B64, 64) for _ in range(body_len)]
    lines.append(rand(B64, rng.randint(8, 60)) + rng.choice(["", "=", "=="]))
    if kind == "PGP":
        head = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
        if rng.random() < 0.5:
            head += "Version: GnuPG v2\n"
        head += "\n"
        return head + "\n".join(lines) + "\n=" + rand(B64, 4) + "\n-----END PGP PRIVATE KEY BLOCK-----"
    label = {"RSA": "RSA PRIVATE KEY", "EC": "EC PRIVATE KEY", "PKCS8": "PRIVATE KEY",
             "OPENSSH": "OPENSSH PRIVATE KEY", "ENC": "ENCRYPTED PRIVATE KEY"}[kind]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def mixed(alphabet, n):
    """Random until it has upper, lower and digit characters (a real key of 20+ base62 does)."""
    while True:
        s = rand(alphabet, n)
        if any(c in UP for c in s) and any(c in LO for c in s) and any(c in DG for c in s):
            return s


def letters(n):
    """Random letters with both cases (Hugging Face's older tokens are letters only)."""
    while True:
        s = rand(UP + LO, n)
        if any(c in UP for c in s) and any(c in LO for c in s):
            return s


# family -> (label the finding must carry, generator, source of the format)
FAMILIES = {
    "openai": ("OpenAI API key", lambda: rng.choice([
        "sk-proj-" + mixed(URL64, 156),
        "sk-" + mixed(B62, 48),
        "sk-svcacct-" + mixed(URL64, 156),
        "sk-admin-" + mixed(URL64, 124),
        "sk-proj-" + mixed(B62, 20) + "T3BlbkFJ" + mixed(B62, 20),
    ]), "gitleaks openai.go; OpenAI API reference"),
    "anthropic": ("Anthropic API key", lambda: rng.choice(["sk-ant-api03-", "sk-ant-admin01-"]) + mixed(URL64, 93) + "AA",
                  "gitleaks anthropic.go; trufflehog anthropic_test.go"),
    "aws-key-id": ("AWS access key ID", lambda: rng.choice(["AKIA", "ASIA", "ABIA", "ACCA", "A3TX"]) + rand(B32, 16),
                   "AWS IAM identifiers; gitleaks aws.go"),
    "github": ("GitHub token", lambda: rng.choice([
        github_classic(rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])),
        github_classic(rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])),
        "ghs_" + mixed(B62, 12) + "_" + mixed(B62, 108),
        "github_pat_11" + mixed(B62, 20) + "_" + mixed(B62, 59),
    ]), "github.blog 2021-04-05 token formats (CRC32); trufflehog github/v2 test"),
    "gitlab": ("GitLab token", lambda: rng.choice([
        "glpat-" + mixed(URL64, 20),
        "glpat-" + mixed(B62, 27) + ".01." + rand(DG + LO, 9),
        "glrt-" + mixed(B62, 20),
        "glrt-t1_" + mixed(B62, 27) + ".01." + rand(DG + LO, 9),
        "gldt-" + mixed(B62, 20),
        "glptt-" + rand(HEX, 40),
        "glft-" + mixed(B62, 20),
        "glsoat-" + mixed(B62, 20),
    ]), "GitLab token overview; gitleaks gitlab.go; trufflehog gitlab/v3"),
    "slack": ("Slack token", lambda: rng.choice([
        "xoxb-" + rand(DG, 12) + "-" + rand(DG, 13) + "-" + mixed(B62, 24),
        "xoxb-" + rand(DG, 12) + "-" + mixed(B62, 24),
        "xoxp-" + rand(DG, 12) + "-" + rand(DG, 12) + "-" + rand(DG, 13) + "-" + rand(HEX, 32),
        "xoxe.xoxp-1-" + mixed(B62, 163),
        "xoxe.xoxb-1-" + mixed(B62, 165),
        "xoxe-1-" + mixed(B62, 146),
        "xoxa-2-" + mixed(B62, 40),
        "xoxr-" + mixed(B62, 30),
    ]), "Slack token types and configuration tokens; gitleaks slack.go"),
    "slack-app": ("Slack app-level token", lambda: "xapp-1-A" + rand(UP + DG, 10) + "-" + rand(DG, 13) + "-" + rand(HEX, 64),
                  "Slack app-level tokens; gitleaks slack.go"),
    "slack-webhook": ("Slack webhook URL", lambda: rng.choice([
        "https://hooks.slack.com/services/T" + rand(UP + DG, 8) + "/B" + rand(UP + DG, 10) + "/" + mixed(B62, 24),
        "https://hooks.slack.com/workflows/T" + rand(UP + DG, 10) + "/A" + rand(UP + DG, 10) + "/" + rand(DG, 18) + "/" + mixed(B62, 24),
    ]), "Slack incoming webhooks; trufflehog slackwebhook"),
    "google": ("Google API key", lambda: "AIza" + mixed(URL64, 35), "Google Cloud API keys; gitleaks gcp.go"),
    "jwt": ("JSON Web Token", lambda: jwt(rng.random() < 0.8), "RFC 7519, RFC 7515"),
    "pem": ("private key", lambda: pem(rng.choice(["RSA", "EC", "PKCS8", "OPENSSH", "ENC"])), "RFC 7468"),
    "pgp": ("private key", lambda: pem("PGP"), "RFC 4880 section 6.2"),
    "huggingface": ("Hugging Face token", lambda: rng.choice(["hf_", "hf_", "api_org_"]) + letters(34) if rng.random() < 0.5 else "hf_" + mixed(B62, 34),
                    "Hugging Face user access tokens; gitleaks huggingface.go; trufflehog huggingface"),
    "stripe": ("Stripe secret key", lambda: rng.choice(["sk_live_", "sk_test_", "rk_live_", "rk_test_"]) + "51" + mixed(B62, 97),
               "Stripe API keys; gitleaks stripe.go"),
    "npm": ("npm access token", lambda: "npm_" + mixed(B62, 36), "GitHub blog npm token format 2021-09-23; gitleaks npm.go"),
    "pypi": ("PyPI API token", lambda: "pypi-AgEIcHlwaS5vcmc" + rand(URL64, rng.randint(150, 180)), "PyPI API tokens; gitleaks pypi.go"),
    "telegram": ("Telegram bot token", lambda: rand(DG, rng.randint(8, 10)) + ":AA" + mixed(URL64, 33), "Telegram Bot API; gitleaks telegram.go"),
    "discord": ("Discord bot token", lambda: rng.choice("MNO") + mixed(URL64, 23) + "." + mixed(URL64, 6) + "." + mixed(URL64, 27),
                "Discord bot authorization; trufflehog discordbottoken"),
    "discord-webhook": ("Discord webhook URL", lambda: "https://discord.com/api/webhooks/" + rand(DG, 18) + "/" + mixed(URL64, 68), "trufflehog discordwebhook"),
    "twilio": ("Twilio API key", lambda: "SK" + rand(HEX, 32), "Twilio API keys; gitleaks twilio.go"),
    "sendgrid": ("SendGrid API key", lambda: "SG." + mixed(URL64, 22) + "." + mixed(URL64, 43), "SendGrid API keys; trufflehog sendgrid"),
    "azure-ad": ("Azure AD client secret", lambda: mixed(B62, 3) + rand(DG, 1) + "Q~" + mixed(B62 + "_~.-", 34), "Microsoft Entra client secret SIT; gitleaks azure.go"),
}

# Sentences a key is written in; {k} is the key. Discord's names Discord (its pattern needs it).
TEMPLATES = [
    "Set the key: {k}",
    "My config has api_key = \"{k}\" and it still fails with 401.",
    "export TOKEN={k}\nthen run the script again.",
    "Use `{k}` in the Authorization header.",
    "```yaml\ncredentials:\n  token: {k}\n```\nWhat is wrong with this file?",
    "client = Client(key='{k}', timeout=30)",
    "APIキーは「{k}」です。",
    "Here it is ({k}), please check.",
    "{{\"token\": \"{k}\", \"retries\": 3}}",
    "Paste {k}\n\nand press enter.",
]
DISCORD = ["My discord bot token is {k}, why does login fail?", "DISCORD_TOKEN={k}", "The Discord client says {k} is invalid."]
TELEGRAM = ["TELEGRAM_BOT_TOKEN={k}", "my bot token is {k}", "curl https://api.telegram.org/bot{k}/getMe"]


def place(template, key):
    at = template.index("{k}")
    text = template.replace("{{", "{").replace("}}", "}")
    at = text.index("{k}")
    return text.replace("{k}", key, 1), at


records = []


def add(text, label, family, span, source):
    rec = {"text": text, "label": label, "family": family}
    if span is not None:
        rec["span"] = list(span)
    rec["source"] = source
    records.append(rec)


PER_FAMILY = 40
for family, (label, gen, source) in FAMILIES.items():
    for i in range(PER_FAMILY):
        key = gen()
        pool = DISCORD if family == "discord" else TELEGRAM if family == "telegram" else TEMPLATES
        if family in ("pem", "pgp"):
            pool = ["Here is my deploy key, why is it rejected?\n{k}", "{k}", "Key:\n{k}\nThanks!"]
        text, at = place(pool[i % len(pool)], key)
        add(text, "S001", family, (at, at + len(key)), source + " (format); random key, seed %d" % SEED)

# AWS secret access keys: 40 base64 characters, next to their key ID.
for i in range(PER_FAMILY):
    kid = "AKIA" + rand(B32, 16)
    secret = mixed(B64, 40)
    text = f"aws_access_key_id = {kid}\naws_secret_access_key = {secret}"
    at = text.index(secret)
    add(text, "S001", "aws-secret", (at, at + 40), "AWS IAM managing access keys (format); random, seed %d" % SEED)
    # The key ID of the same text is a positive too: one record per secret, so the ID's
    # record is the same text with the ID's span.
    add(text, "S001", "aws-key-id", (text.index(kid), text.index(kid) + 20), "AWS IAM identifiers; random, seed %d" % SEED)

# Azure storage account keys: 88 base64 characters in a connection string.
for i in range(PER_FAMILY):
    key = mixed(B64, 86) + "=="
    account = rand(LO + DG, rng.randint(3, 24))
    text = rng.choice([
        f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};EndpointSuffix=core.windows.net",
        f"My connection string is \"AccountName={account};AccountKey={key}\" and uploads fail.",
    ])
    at = text.index(key)
    add(text, "S001", "azure-storage", (at, at + 88), "Azure Storage connection strings (format); random, seed %d" % SEED)

# Hard negatives.
def neg(text, family, source):
    add(text, None, family, None, source)

def bad_checksum():
    t = github_classic("ghp_")
    last = t[-1]
    return t[:-1] + ("A" if last != "A" else "B")

NEG = [
    ("placeholder", lambda: rng.choice([
        "sk-proj-" + "X" * 48, "sk-your-api-key-goes-here-please", "AKIA" + "X" * 16,
        "ghp_" + "x" * 36, "github_pat_" + "x" * 22 + "_" + "x" * 59, "glpat-XXXXXXXXXXX-XXXXXXXX",
        "glpat-xxxxxxxx-xxxxxxxxxxxxxxxxxx.xxxxxxxxx", "xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx",
        "xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk_live_your_stripe_secret_key_here_1234", "npm_" + "0" * 36, "SG.your_sendgrid_api_key_here",
        "sk-ant-api03-" + "X" * 93 + "AA", "glptt-" + "x" * 40, "client_secret=bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AIza" + "X" * 35, "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----",
        "xoxb-12345-abcd234", "xoxb-xoxb-my-bot-token", "xoxp-1234567890",
        "xoxp-572370529330-573807301142-572331691188-####################",
        "SK" + "0" * 32, "sk-" + "a1" * 10,
    ]), "gitleaks rule files' false positives and placeholders"),
    ("invalid-checksum", bad_checksum, "GitHub token with a wrong CRC32 (github.blog 2021-04-05)"),
    ("jwt-not-json", lambda: rng.choice([
        "eyJhbGciOieeeiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.a_5icKBDo-8EjUlrfvz2k2k-FYaindQ0DEYNrlsnRG0",
        "eyJ" + rand(URL64, 30) + ".eyJ" + rand(URL64, 40) + "." + rand(URL64, 43),
        "eyJ" + b64url({"typ": "JWT"})[3:] + "." + b64url({"sub": "1"}) + "." + rand(URL64, 43),
    ]), "gitleaks jwt.go sample with a non-JSON header; random base64; header without alg"),
    ("wrong-length", lambda: rng.choice([
        "AKIA" + rand(B32, 12), "ghp_" + rand(B62, 20), "glpat-" + rand(B62, 12), "hf_" + rand(B62, 20),
        "npm_" + rand(B62, 20), "sk-" + rand(B62, 12), "TODAYINASIAASACKOFRICEFELLOVER",
    ]), "gitleaks aws.go false positives; truncated keys"),
    ("public-key", lambda: "-----BEGIN PUBLIC KEY-----\n" + "\n".join(rand(B64, 64) for _ in range(4)) + "\n-----END PUBLIC KEY-----",
     "RFC 7468 public keys are not secrets"),
    ("prose", lambda: rng.choice([
        "Classic GitHub tokens start with ghp_ and fine-grained ones with github_pat_.",
        "An OpenAI key starts with sk- or sk-proj-; never commit it.",
        "AWS access key IDs begin with AKIA, temporary ones with ASIA.",
        "Slack bot tokens begin with xoxb-, user tokens with xoxp-.",
        "JWTs start with eyJ because that is base64 of '{\"'.",
        "A PEM private key starts with -----BEGIN PRIVATE KEY----- and ends with the END line.",
        "Hugging Face tokens look like hf_ followed by letters.",
        "Stripe secret keys start with sk_live_ in live mode.",
        "Set OPENAI_API_KEY, ANTHROPIC_API_KEY and HF_TOKEN in your environment.",
        "Use scikit-learn (sk-learn) for the baseline model.",
        "The Telegram bot API URL is https://api.telegram.org/bot<token>/getMe.",
        "Discord bots authenticate with a token from the developer portal.",
    ]), "prose naming key kinds"),
    ("lookalike", lambda: rng.choice([
        "commit " + rand(HEX, 40), "sha256:" + rand(HEX, 64), "uuid " + "-".join(rand(HEX, n) for n in (8, 4, 4, 4, 12)),
        "data:image/png;base64," + rand(B64, 120), "task-2024-06-01-0042", "file_" + rand(LO, 36),
        "My_Discord_Server_Name_Is_Long.and.more.words_here_for_real", "ghp_token_name_in_code_variable_x",
        "The order id is ORD-" + rand(DG, 12) + " placed at 12:30:45.",
        "hf_requiredCharacteristicTypesForDisplayMetadata", "api_org_controller", "SKU" + rand(DG, 10),
    ]), "identifiers, hashes and base64 that are not keys"),
]
for family, gen, source in NEG:
    for i in range(PER_FAMILY if family != "prose" else 24):
        value = gen()
        t = TEMPLATES[i % len(TEMPLATES)] if family not in ("prose",) else "{k}"
        text, _ = place(t, value)
        neg(text, family, source)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "generated.jsonl"), "w") as f:
    for r in records:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(records), "records")

# Published samples: the positives and negatives the scanners' own tests publish, written into
# a sentence. (key, label, family, source, template); a label of None is a negative, and the
# source says why when it differs from the publisher's own verdict.
GL = "gitleaks cmd/generate/config/rules/%s.go (b58d3f1)"
TH = "trufflehog pkg/detectors/%s (3ab759f)"
DS = "detect-secrets tests/plugins/%s_test.py (5e14193)"
PUBLISHED = [
    ("xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD", "S001", "slack", GL % "slack"),
    ("xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1MBS", "S001", "slack", GL % "slack"),
    ("xoxb-4614724432022-5152386766518-O5WzjWGLG0wcCm2WPrjEmnys", "S001", "slack", GL % "slack"),
    ("xoxp-41684372915-1320496754-45609968301-e708ba56e1517a99f6b5fb07349476ef", "S001", "slack", GL % "slack"),
    ("xoxp-283316862324-298911817009-298923149681-44f585044dace54f5701618e97cd1c0b", "S001", "slack", GL % "slack"),
    ("xoxp-4614724432022-4621207627011-5182682871568-1ddad9823e8528ad0f4944dfa3c6fc6c", "S001", "slack", GL % "slack"),
    ("xoxe-4726837507825-4848681849303-4856614048758-e0b1f3d4cb371f92260edb0d9444d206", "S001", "slack", GL % "slack"),
    ("xoxb-263594206564-FGqddMF8t08v8N7Oq4i57vs1", "S001", "slack", GL % "slack"),
    ("xoxb-282029623751-BVtmnS3BQitmjZvjpQL7PSGP", "S001", "slack", GL % "slack"),
    ("xoxb-47834520726-N3otsrwj8Cf99cs8GhiRZsX1", "S001", "slack", GL % "slack"),
    ("xoxb-130154379991-ogFL0OFP3w6AwdJuK7wLojpK", "S001", "slack", GL % "slack"),
    ("xoxe.xoxp-1-Mi0yLTM0MTQwNDE0MDE3Ni0zNjU5NDY0Njg4MTctNTE4MjA3NTQ5NjA4MC01NDEyOTYyODY5NzUxLThhMTBjZmI1ZWIzMGIwNTg0ZDdmMDI5Y2UxNzVlZWVhYzU2ZWQyZTZiODNjNDZiMGUxMzRlNmNjNDEwYmQxMjQ", "S001", "slack", GL % "slack"),
    ("xoxe-1-My0xLTMxNzcwMjQ0MTcxMy01MTU4MTUyNjkxNzE0LTUxODE4NDI0MDY3MzYtMjA5MGFkOTFlZThkZWE2OGFlZDYwYWJjODNhYzAxYjA5ZjVmODBhYjgzN2QyNDdjOTNlOGY5NTg2YWM1OGM4Mg", "S001", "slack", GL % "slack"),
    ("xoxp-523423-234243-234233-e039d02840a0b9379c", "S001", "slack", DS % "slack"),
    ("xoxs-523423-234243-234233-e039d02840a0b9379c", "S001", "slack", DS % "slack"),
    ("xoxb-34532454-e039d02840a0b9379c", "S001", "slack", DS % "slack"),
    ("xoxa-2-511111111-31111111111-3111111111111-e039d02840a0b9379c", None, "placeholder", DS % "slack" + "; runs of 1s read as a placeholder here"),
    ("xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx", None, "placeholder", GL % "slack" + " false positive"),
    ("xoxp-1234-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d", None, "placeholder", GL % "slack" + " false positive"),
    ("xapp-1-A052FGTS2DL-5171572773297-610b6a11f4b7eb819e87b767d80e6575a3634791acb9a9ead051da879eb5b55e", "S001", "slack-app", GL % "slack"),
    ("xapp-1-IEMF8IMY1OQ-4037076220459-85c370b433e366de369c4ef5abdf41253519266982439a75af74a3d68d543fb6", "S001", "slack-app", GL % "slack"),
    ("https://hooks.slack.com/services/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", "S001", "slack-webhook", GL % "slack"),
    ("https://hooks.slack.com/workflows/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", "S001", "slack-webhook", GL % "slack"),
    ("glpat-hellOworld380_testin", "S001", "gitlab", DS % "gitlab_token"),
    ("gldt-HwllOuhfw-wu0rlD_yep", "S001", "gitlab", DS % "gitlab_token"),
    ("glsoat-PREfix_helloworld380_testin_pretty_long_token_long", "S001", "gitlab", DS % "gitlab_token"),
    ("glpat_hellOworld380_testin", None, "wrong-length", DS % "gitlab_token"),
    ("glpat-3fZ1p5y4XWcCvMGVlfakeW86MQp1Oml3Ymg0Cw.01.1203afake", "S001", "gitlab", TH % "gitlab/v3/gitlab_v3_test.go"),
    ("glpat-XXXXXXXXXXX-XXXXXXXX", None, "placeholder", GL % "gitlab" + " false positive"),
    ("ghs_RWGUZ6kS8_Ut7PbtR72k2miJwwYtxkpe8mOpT8feAWYZcwz43PxBVGCNATnycaQV9VUlPJe1uST5Xen7d3uZ5lilVlEVvT9AbxnhURdT3OzPtCvXydIrvE4LrDO", "S001", "github", TH % "github/v2/github_test.go"),
    ("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, "placeholder", GL % "github" + " false positive"),
    ("github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, "placeholder", GL % "github" + " false positive"),
    ("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", "S001", "openai", DS % "openai"),
    ("sk-proj-Xi8tdMjHV6pmbBbwilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o", "S001", "openai", DS % "openai"),
    ("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", "S001", "openai", GL % "openai"),
    ("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", "S001", "openai", GL % "openai"),
    ("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", "S001", "openai", GL % "openai"),
    ("sk-ant-api03-Dtjm9IZ_rYhS_ihHLZmPXhjJ6PN8UPp7vNO7qO3735RRDpf8xbWGinsch0McONXznUm-4KWoA7WU2otvvwHBR5QRjiLakAA", "S001", "anthropic", TH % "anthropic/anthropic_test.go"),
    ("sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde-1234fghijklmnopby56aaaogaopaaaabc123xyzAA", "S011", "example", GL % "anthropic" + "; issue 17: a published example"),
    ("sk-ant-admin01-abc12fake-456def789ghij-klmnopqrstuvwx-3456yza789bcde-12fakehijklmnopby56aaaogaopaaaabc123xyzAA", "S011", "example", GL % "anthropic"),
    ("sk-ant-api03-abc123xyz-456de-klMnopqrstuvwx-3456yza789bcde-1234fghijklmnopAA", None, "wrong-length", GL % "anthropic" + " false positive"),
    ("AKIALALEMEL33243OLIB", "S001", "aws-key-id", GL % "aws"),
    ("AKIAIOSFODNN7EXAMPLE", "S011", "example", "AWS IAM user guide example key; " + GL % "aws"),
    ("AKIAXXXXXXXXXXXXXXXX", None, "placeholder", GL % "aws" + " false positive"),
    ("AKIAZZZZZZZZZZZZZZZZ", None, "placeholder", DS % "aws_key" + "; a run of Z reads as a placeholder here"),
    ("A3T0ZZZZZZZZZZZZZZZZ", None, "placeholder", DS % "aws_key" + "; a run of Z reads as a placeholder here"),
    ("TODAYINASIAASACKOFRICEFELLOVER", None, "wrong-length", GL % "aws" + " false positive"),
    ("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", "S001", "huggingface", GL % "huggingface"),
    ("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", "S001", "huggingface", GL % "huggingface"),
    ("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", "S001", "huggingface", GL % "huggingface"),
    ("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", "S001", "huggingface", GL % "huggingface"),
    ("hf_requiredCharacteristicTypesForDisplayMetadata", None, "lookalike", GL % "huggingface" + " false positive"),
    ("hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, "placeholder", GL % "huggingface" + " false positive"),
    ("api_org_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", None, "placeholder", GL % "huggingface" + " false positive"),
    ("sk_live_ReTllpYQYfIZu2Jnf2lAPFjD", "S001", "stripe", DS % "stripe_key"),
    ("rk_live_5TcWfjKmJgpql9hjpRnwRXbT", "S001", "stripe", DS % "stripe_key"),
    ("sk_test_51OuEMLAlTWGaDypq4P5cuDHbuKeG4tAGPYHJpEXQ7zE8mKK3jkhTFPvCxnSSK5zB5EQZrJsYdsatNmAHGgb0vSKD00GTMSWRHs", "S001", "stripe", GL % "stripe"),
    ("pk_live_j5krY8XTgIcDaHDb3YrsAfCl", None, "lookalike", DS % "stripe_key" + ": publishable keys are public"),
    ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "S011", "example", "Stripe API reference example key"),
    ("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "S011", "example", "Telegram bots documentation example token"),
    ("110201543:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw", "S001", "telegram", DS % "telegram_token"),
    ("7213808860:AAH1bjqpKKW3maRSPAxzIU-0v6xNuq2-NjM", "S001", "telegram", DS % "telegram_token"),
    ("foo:AAH1bjqpKKW3maRSPAxzIU-0v6xNuq2-NjM", None, "wrong-length", DS % "telegram_token"),
    ("arn:aws:sns:aaa:111122223333:aaaaaaaaaaaaaaaaaaassssssddddddddddddd", None, "lookalike", DS % "telegram_token"),
    ("SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, "placeholder", DS % "twilio" + "; x-runs read as a placeholder here"),
    ("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", "S001", "sendgrid", DS % "sendgrid"),
    ("SG.ngeVfQFYQlKU0ufo8x5d1A..TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr", None, "wrong-length", DS % "sendgrid"),
    ("AG.ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr", None, "wrong-length", DS % "sendgrid"),
    ("pypi-AgEIcHlwaS5vcmcCJDU3OTM1MjliLWIyYTYtNDEwOC05NzRkLTM0MjNiNmEwNWIzYgACF1sxLFsitesttestbWluaW1hbC1wcm9qZWN0Il1dAAIsWzIsWyJjYWY4OTAwZi0xNDMwLTRiYQstYmFmMi1mMDE3OGIyNWZhNTkiXV0AAAYgh2UINPjWBDwT0r3tQ1o5oZyswcjN0-IluP6z34SX3KM", "S001", "pypi", DS % "pypi_token"),
    ("pypi-AgENdGVzdC5weXBpLm9yZwIkN2YxOWZhOWEtY2FjYS00MGZhLTj2MGEtODFjMnE2MjdmMzY0AAIqWzMsImJlM2FiOWI5LTRmYUTnNEg4ZS04Mjk0LWFlY2Y2NWYzNGYzNyJdAAAGIMb5Hb8nVvhcAizcVVzA-bKKnwN7Pe0RmgPRCvrPwyJf", "S001", "pypi", DS % "pypi_token"),
    ("pypi-AgEIcHlwaS5vcmcCJDU3OTM1MjliLWIyYTYtNDEwOC05NzRkLTM0MjNiNmEwNWIzYgACF1sxLFsibWluaW1h", None, "wrong-length", DS % "pypi_token"),
    ("bP88Q~rcBcYjzzOhg1Hnn76Wm3jGgakZiZ.8vMgR", "S001", "azure-ad", GL % "azure"),
    (".IQ8Q~79R7TOWOspFnWcEG-dYt4KXqFqxK16cxr", "S001", "azure-ad", GL % "azure"),
    ("_V28Q~IC8qxmlWNpHuDm34JlbKv9LXV5MvUR3a-P", "S001", "azure-ad", GL % "azure"),
    ("QtT8Q~9C-_Ij~RouHVpD2Tuf3oHWGh.DQ3kcjbAn", "S001", "azure-ad", GL % "azure"),
    ("bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, "placeholder", GL % "azure" + " false positive"),
    ("~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~", None, "lookalike", GL % "azure" + " false positive"),
    ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "S011", "example", DS % "jwt" + "; the jwt.io example token"),
    ("eyJ0eXAiOiJKV1QiLA0KImFsZyI6IkhTMjU2In0.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ", "S001", "jwt", DS % "jwt"),
    ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiSm9lIiwKInN0YXR1cyI6ImVtcGxveWVlIgp9", "S001", "jwt", DS % "jwt"),
    ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IsWww6HFkcOtIMOWxZHDqcOoIiwiaWF0IjoxNTE2MjM5MDIyfQ.k5HibI_uLn_RTuPcaCNkaVaQH2y5q6GvJg8GPpGMRwQ", "S001", "jwt", DS % "jwt"),
    ("eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJhY2Nlc3NLZXkiOiJRMzFDVlMxUFNDSjRPVEsyWVZFTSIsImF0X2hhc2giOiI4amItZFE2OXRtZEVueUZaMUttNWhnIiwiYXVkIjoiZXhhbXBsZS1hcHAiLCJlbWFpbCI6ImFkbWluQGV4YW1wbGUuY29tIiwiZW1haWxfdmVyaWZpZWQiOnRydWUsImV4cCI6IjE1OTQ2MDAxODIiLCJpYXQiOjE1OTQ1ODkzODQsImlzcyI6Imh0dHA6Ly8xMjcuMC4wLjE6NTU1Ni9kZXgiLCJuYW1lIjoiYWRtaW4iLCJzdWIiOiJDaVF3T0dFNE5qZzBZaTFrWWpnNExUUmlOek10T1RCaE9TMHpZMlF4TmpZeFpqVTBOallTQld4dlkyRnMifQ.nrbzIJz99Om7TvJ04jnSTmhvlM7aR9hMM1Aqjp2ONJ1UKYCvegBLrTu6cYR968_OpmnAGJ8vkd7sIjUjtR4zbw", "S001", "jwt", GL % "jwt"),
    ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiYTAwYzI3ZDEtYjVhYS00NjU0LWFmMTYtYjExNzNkZTY1NjI5Iiwicm9sZXMiOlsiYWRtaW4iXSwiaWF0IjoxNjA0NTE2OTIwLCJleHAiOjE2MDQ1MTc4MjAsImp0aSI6IjYzNmVmMDc0LTE2MzktNGJhZi1hNGNiLTQ4ZDM4NGMxMzliYSIsImlzcyI6Im15YXBwIn0.T9B0zG0AHShO5JfQgrMQBlToH33KHgp8nLMPFpN6QmM", "S001", "jwt", GL % "jwt"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJJc3N1ZXIiOiJJc3N1ZXIiLCJVc2VybmFtZSI6IkJhZFNlY3JldHMiLCJleHAiOjE1OTMxMzM0ODMsImlhdCI6MTQ2NjkwMzA4M30.ovqRikAo_0kKJ0GVrAwQlezymxrLGjcEiW_s3UJMMCo", "S001", "jwt", GL % "jwt"),
    ("eyJhbGciOieeeiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwic3ViZSI6IjEyMzQ1Njc4OTAiLCJuYW1lZWEiOiJKb2huIERvZSIsInN1ZmV3YWZiIjoiMTIzNDU2Nzg5MCIsIm5hbWVmZWF3ZnciOiJKb2huIERvZSIsIm5hbWVhZmV3ZmEiOiJKb2huIERvZSIsInN1ZndhZndlYWIiOiIxMjM0NTY3ODkwIiwibmFtZWZ3YWYiOiJKb2huIERvZSIsInN1YmZ3YWYiOiIxMjM0NTY3ODkwIiwibmFtZndhZSI6IkpvaG4gRG9lIiwiaWZ3YWZhYXQiOjE1MTYyMzkwMjJ9.a_5icKBDo-8EjUlrfvz2k2k-FYaindQ0DEYNrlsnRG0", None, "jwt-not-json", GL % "jwt" + "; the header is not JSON (issue 17)"),
    ("bm90X3ZhbGlkX2pzb25fYXRfYWxs.bm90X3ZhbGlkX2pzb25fYXRfYWxs.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", None, "jwt-not-json", DS % "jwt"),
    ("eyJhbasdGciOiJIUaddasdasfsasdasdzI1NiIasdsInR5cCI6IkpXVCasdJasd9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", None, "jwt-not-json", DS % "jwt"),
    ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", None, "jwt-not-json", DS % "jwt"),
    ("eyJAAAA.eyJBBB", None, "jwt-not-json", DS % "jwt"),
    ("eyJBB.eyJCC.eyJDDDD", None, "jwt-not-json", DS % "jwt"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8\nKs14IReLcYgADhoXk56ZzXI=\n-----END PRIVATE KEY-----", "S001", "pem", GL % "privatekey"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAn6/O8li+SX4m98LLYt/PKSzEmQ++ZBD7Loh9P13f4yQ92EF3\nyxR5MsXFu9PRsrYQA7/4UTPHiC4y2sAVCBg4C2yyBpUEtMQjyCESi6Y=\n-----END RSA PRIVATE KEY-----", "S001", "pem", GL % "privatekey"),
    ("-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQWGBGSVV4YBDAClvRnxezIRy2Yv7SFlzC0iFiRF/O/jePSw+XYhvcrTaqSYTGic\n=8xQN\n-----END PGP PRIVATE KEY BLOCK-----", "S001", "pgp", GL % "privatekey"),
    ("-----BEGIN RSA PRIVATE KEY-----\nsuper secret private key here\n-----END RSA PRIVATE KEY-----", None, "placeholder", DS % "private_key" + "; no base64 body: a placeholder here"),
    ("-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----", None, "placeholder", GL % "privatekey" + " false positive"),
]
DISCORD_PUBLISHED = [
    ("MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs", "S001"),
    ("Nzk5MjgxNDk0NDc2NDU1OTg3.YABS5g.2lmzECVlZv3vv6miVnUaKPQi2wI", "S001"),
    ("MZ1yGvKTjE0rY0cV8i47CjAa.uRHQPq.Xb1Mk2nEhe-4iUcrGOuegj57zMC", "S001"),
    ("OTUyNED5MDk2MTMxNzc2MkEz.GSroKE.g2MTwve8OnUAAByz8KV_ZTV1Ipzg4o_NmQWUMs", "S001"),
    ("MTAyOTQ4MTN5OTU5MTDwMEcxNg.GSwJyi.sbaw8msOR3Wi6vPUzeIWy_P0vJbB0UuRVjH8l8", "S001"),
]
NPM_PUBLISHED = [
    ("//registry.npmjs.org/:_authToken=743b294a-cd03-11ec-9d64-0242ac120002", "743b294a-cd03-11ec-9d64-0242ac120002", "S001"),
    ("//registry.npmjs.org/:_authToken=346a14f2-a672-4668-a892-956a462ab56e", "346a14f2-a672-4668-a892-956a462ab56e", "S001"),
    ("//registry.npmjs.org/:_authToken= 743b294a-cd03-11ec-9d64-0242ac120002", "743b294a-cd03-11ec-9d64-0242ac120002", "S001"),
    ("//registry.npmjs.org/:_authToken=npm_xxxxxxxxxxx", None, None),
    ("//registry.npmjs.org:_authToken=743b294a-cd03-11ec-9d64-0242ac120002", None, None),
    ("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", None, None),
]

published = []
for i, (key, label, family, source) in enumerate(PUBLISHED):
    text, at = place(TEMPLATES[i % len(TEMPLATES)], key)
    rec = {"text": text, "label": label, "family": family}
    if label is not None:
        rec["span"] = [at, at + len(key)]
    rec["source"] = source
    published.append(rec)
for i, (key, label) in enumerate(DISCORD_PUBLISHED):
    text, at = place(DISCORD[i % len(DISCORD)], key)
    published.append({"text": text, "label": label, "family": "discord", "span": [at, at + len(key)], "source": DS % "discord"})
NPM_PUBLISHED.append(("AccountKey=lJzRc1YdHaAA2KCNJJ1tkYwF/+mKK6Ygw0NGe170Xu592euJv2wYUtBlV8z+qnlcNQSnIYVTkLWntUO1F8j8rQ==", "lJzRc1YdHaAA2KCNJJ1tkYwF/+mKK6Ygw0NGe170Xu592euJv2wYUtBlV8z+qnlcNQSnIYVTkLWntUO1F8j8rQ==", "S001"))
for line, token, label in NPM_PUBLISHED:
    text = ("My config:\n" if "AccountKey" in line else "My .npmrc:\n") + line + "\nWhy does it fail?"
    family = ("azure-storage" if "AccountKey" in line else "npm") if label else "placeholder"
    rec = {"text": text, "label": label, "family": family}
    if label:
        at = text.index(token)
        rec["span"] = [at, at + len(token)]
    rec["source"] = DS % ("azure_storage_key" if "AccountKey" in line else "npm")
    published.append(rec)
with open(os.path.join(here, "published.jsonl"), "w") as f:
    for r in published:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(published), "published records")
