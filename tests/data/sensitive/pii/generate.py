#!/usr/bin/env python3
"""Generates the labelled personal-data corpus of `tests/pii_corpus.rs`.

    python3 tests/data/sensitive/pii/generate.py     # rewrites the *.jsonl next to it

Deterministic (seed below). One record per line:
{"text", "label": "S003" | null, "family", "span": [start, end] (character offsets of the value
in `text`, null for negatives), "also": [[start, end], ...] (other true values of the same rule
in the same text, e.g. the second of two cards side by side), "source"}.

Facts come from public specifications and test data, not code: the national numbering plans
(Ofcom, BNetzA, ARCEP, TRAI, MIIT, MIC Japan, MSIT Korea, Anatel, Israel MoC, ACMA, NANPA), the
ISO/IEC 7812 IIN ranges ("Payment card number", Wikipedia), the SWIFT IBAN registry (lengths in
rules/sensitive/data/iban_registry.toml) and the published samples of presidio's recognizer tests
(credit card, IBAN, US SSN, phone), each tagged `presidio` in `source`. All values are random or
published test values; none is a real person's. Taken 2026-12-01.
"""
import json
import os
import random
import re

SEED = 20261201
rng = random.Random(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))


def d(n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def nz(n):
    return rng.choice("123456789") + d(n - 1)


def rec(text, value, label, family, source, also=None):
    if value is None:
        return {"text": text, "label": None, "family": family, "span": None, "also": [], "source": source}
    start = text.index(value)
    return {
        "text": text,
        "label": label,
        "family": family,
        "span": [start, start + len(value)],
        "also": also or [],
        "source": source,
    }


def place(templates, value, label, family, source):
    t = rng.choice(templates)
    return rec(t.format(v=value), value, label, family, source)


EN = [
    "Call me at {v} after six.",
    "You can reach Maria on {v}.",
    "My number is {v}, text first please.",
    "Phone: {v}",
    "If the parcel is late, ring {v} and ask for Tom.",
    "Contact details — {v} (mobile).",
    "Please update my phone number to {v}.",
]
LOCAL = {
    "uk": EN,
    "de": ["Meine Telefonnummer ist {v}.", "Rufen Sie mich unter {v} an.", "Tel. {v} (ab 18 Uhr)", "Handy: {v}"] + EN[:3],
    "fr": ["Mon numéro est le {v}.", "Appelez-moi au {v} demain.", "Tél : {v}"] + EN[:3],
    "in": ["My mobile is {v}, WhatsApp works too.", "Call {v} for the booking."] + EN[:3],
    "cn": ["我的手机号是{v}，请联系我。", "电话：{v}", "请拨打 {v} 联系王先生。"] + EN[:3],
    "jp": ["電話番号は{v}です。", "携帯：{v}までご連絡ください。", "山本さんの携帯は{v}です。"],
    "kr": ["제 전화번호는 {v}입니다.", "연락처: {v}", "휴대폰 {v}로 연락 주세요."] + EN[:2],
    "br": ["Meu telefone é {v}.", "Ligue para {v} amanhã.", "Celular: {v}"] + EN[:2],
    "il": ["My Israeli number is {v}", "מספר הטלפון שלי {v}", "Call {v} in Tel Aviv."],
    "au": ["Ring me on {v} mate.", "Phone {v} for a quote."] + EN[:3],
    "us": EN,
}


def nanp():
    while True:
        a, e, n = nz(1) + d(2), rng.choice("23456789") + d(2), d(4)
        if a[0] in "01" or (e == "555" and n.startswith("01")) or a[1:] == "11" or e[1:] == "11":
            continue
        return a, e, n


def phones():
    out = []
    src = "national numbering plan (random number)"
    for _ in range(30):
        a, e, n = nanp()
        v = rng.choice([f"({a}) {e}-{n}", f"{a}-{e}-{n}", f"{a}.{e}.{n}", f"1-{a}-{e}-{n}", f"{a} {e} {n}"])
        out.append(place(LOCAL["us"], v, "S003", rng.choice(["phone-us", "phone-ca"]), "NANPA " + src))
    for _ in range(30):
        v = rng.choice([
            f"020 {nz(4)} {d(4)}", f"07{rng.choice('3456789')}{d(2)} {d(6)}", f"0161 {nz(3)} {d(4)}",
            f"(020) {nz(4)} {d(4)}", f"0113 {nz(3)} {d(4)}", f"01632 {nz(6)}",
        ])
        out.append(place(LOCAL["uk"], v, "S003", "phone-uk", "Ofcom " + src))
    for _ in range(30):
        v = rng.choice([
            f"030 {nz(8)}", f"089 {nz(7)}", f"0151 {nz(8)}", f"0221/{nz(7)}", f"030-{nz(7)}",
            f"(069) {nz(7)}", f"0170 {nz(7)}", f"040 {nz(3)} {d(4)}",
        ])
        out.append(place(LOCAL["de"], v, "S003", "phone-de", "BNetzA " + src))
    for _ in range(30):
        p = rng.choice("1234567")
        pairs = [d(2) for _ in range(4)]
        sep = rng.choice([" ", ".", "-"])
        v = f"0{p}" + "".join(sep + x for x in pairs)
        out.append(place(LOCAL["fr"], v, "S003", "phone-fr", "ARCEP " + src))
    for _ in range(30):
        m = rng.choice("6789") + d(4)
        v = rng.choice([f"{m} {d(5)}", f"0{m} {d(5)}", f"011-{nz(8)}", f"022-{nz(8)}", f"{m}-{d(5)}"])
        out.append(place(LOCAL["in"], v, "S003", "phone-in", "TRAI " + src))
    for _ in range(30):
        m = "1" + rng.choice("3456789") + d(1)
        v = rng.choice([f"{m} {d(4)} {d(4)}", f"{m}-{d(4)}-{d(4)}", f"010-{nz(8)}", f"0755-{nz(8)}", f"021-{nz(8)}"])
        out.append(place(LOCAL["cn"], v, "S003", "phone-cn", "MIIT " + src))
    for _ in range(30):
        v = rng.choice([
            f"0{rng.choice('789')}0-{d(4)}-{d(4)}", f"03-{nz(4)}-{d(4)}", f"06-{nz(4)}-{d(4)}",
            f"0120-{nz(3)}-{d(3)}", f"011-{nz(3)}-{d(4)}", f"0{rng.choice('789')}0{d(8)}",
        ])
        out.append(place(LOCAL["jp"], v, "S003", "phone-jp", "MIC Japan " + src))
    for _ in range(30):
        v = rng.choice([f"010-{nz(4)}-{d(4)}", f"02-{nz(3)}-{d(4)}", f"031-{nz(3)}-{d(4)}", f"051-{nz(3)}-{d(4)}", f"010 {nz(4)} {d(4)}"])
        out.append(place(LOCAL["kr"], v, "S003", "phone-kr", "MSIT Korea " + src))
    for _ in range(30):
        ddd = rng.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85"])
        v = rng.choice([f"({ddd}) 9{d(4)}-{d(4)}", f"({ddd}) {rng.choice('2345')}{d(3)}-{d(4)}", f"{ddd} 9{d(4)}-{d(4)}", f"({ddd})9{d(4)}-{d(4)}"])
        out.append(place(LOCAL["br"], v, "S003", "phone-br", "Anatel " + src))
    out.append(rec("My Israeli number is 09-7625400", "09-7625400", "S003", "phone-il", "presidio test_phone_recognizer"))
    for _ in range(29):
        v = rng.choice([f"0{rng.choice('23489')}-{nz(7)}", f"05{rng.choice('0234578')}-{nz(7)}", f"05{rng.choice('0234578')}-{nz(3)}-{d(4)}"])
        out.append(place(LOCAL["il"], v, "S003", "phone-il", "Israel MoC " + src))
    for _ in range(30):
        v = rng.choice([f"(0{rng.choice('2378')}) {nz(4)} {d(4)}", f"04{d(2)} {d(3)} {d(3)}", f"0{rng.choice('2378')} {nz(4)} {d(4)}"])
        out.append(place(LOCAL["au"], v, "S003", "phone-au", "ACMA " + src))
    for _ in range(40):
        cc, rest = rng.choice([
            ("1", lambda: "".join(nanp())), ("44", lambda: "20" + nz(8)), ("49", lambda: "30" + nz(8)),
            ("33", lambda: rng.choice("1234567") + d(8)), ("91", lambda: rng.choice("6789") + d(9)),
            ("86", lambda: "13" + d(9)), ("81", lambda: "90" + nz(8)), ("82", lambda: "10" + nz(8)),
            ("55", lambda: "119" + d(8)), ("972", lambda: "5" + d(8)), ("61", lambda: "4" + d(8)),
        ])
        body = rest()
        if rng.random() < 0.5:
            v = f"+{cc}{body}"
        else:
            v = f"+{cc} {body[:3]} {body[3:6]} {body[6:]}"
        out.append(place(EN, v, "S003", "phone-e164", "ITU-T E.164 (random number)"))
    # Compact national forms next to a phone word.
    for _ in range(20):
        v = rng.choice([f"07{rng.choice('3456789')}{d(8)}", f"0151{nz(8)}", f"1{rng.choice('3589')}{d(9)}", f"{rng.choice('6789')}{d(9)}"])
        out.append(rec(f"my phone is {v}", v, "S003", "phone-compact-context", "numbering plans (random number)"))
    return out


NEG_NUMBERS = [
    ("The meeting moved to 05.05.2021 at 10:30.", "neg-date"),
    ("Released on 2021-05-05 with 1,204 fixes.", "neg-date"),
    ("ISBN 978-3-16-148410-0 is on the back cover.", "neg-isbn"),
    ("Upgrade from 1.2.3 to 1.10.0 before Friday.", "neg-version"),
    ("The server is at 192.168.0.1 on port 8080.", "neg-ip"),
    ("Ship it to ZIP 90210 by Tuesday.", "neg-zip"),
    ("Your inquiry number is 0673-2397-8196.", "neg-id"),
    ("Order 405067964241 shipped yesterday.", "neg-id"),
    ("The population grew from 1 234 567 to 1 345 678.", "neg-count"),
    ("Scores: 21-17, 14-10, 35-28.", "neg-score"),
    ("See pages 123-145 and 201-209.", "neg-pages"),
    ("Coordinates 48.8566, 2.3522 mark the spot.", "neg-coordinates"),
    ("The price is $1,234,567.89 including tax.", "neg-price"),
    ("Call the fictional number (415) 555-0132 in the film.", "neg-fiction"),
    ("Timestamp 1718000000000 ms is in June 2024.", "neg-timestamp"),
    ("Build 20230505.1 fixed the crash.", "neg-build"),
    ("The interval 0.25 0.5 0.75 covers it.", "neg-decimal"),
    ("Use 3 + 4 = 7 as the first example.", "neg-math"),
    ("Temperature 36.6, pulse 72, pressure 120/80.", "neg-vitals"),
    ("The years 1990-1995 and 2001-2004 were good.", "neg-years"),
    ("Part no. 0012-3456-7890 fits model 42.", "neg-part"),
    ("Invoice 2024/0815/0042 is overdue.", "neg-invoice"),
    ("The SSN-shaped test value 000-12-3456 is invalid.", "neg-ssn-invalid"),
    ("Room 0420, floor 4, building 12.", "neg-room"),
    ("1 Corinthians 13:4-7 is often read at weddings.", "neg-verse"),
    ("ECLI:EU:C:2014:317 is the case reference.", "neg-reference"),
    ("Tracking number 9400 1000 0000 0000 0000 00 was issued.", "neg-tracking"),
    ("The UUID 123e4567-e89b-12d3-a456-426614174000 is random.", "neg-uuid"),
    ("Lot 2023-11-0457 expires 11/2025.", "neg-lot"),
    ("Git commit 4f2a9c1 closed issue #10234.", "neg-commit"),
]


def luhn_complete(prefix, length):
    body = prefix + d(length - len(prefix) - 1)
    total = 0
    for i, ch in enumerate(reversed(body)):
        x = int(ch)
        if i % 2 == 0:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return body + str((10 - total % 10) % 10)


def group(num, pattern, sep):
    out, i = [], 0
    for g in pattern:
        out.append(num[i:i + g])
        i += g
    return sep.join(out)


CARD_T = [
    "Pay with my card {v}, exp 04/27.",
    "Card number: {v}",
    "I used the card {v} for the hotel.",
    "Charge {v} please (credit card).",
    "Die Kreditkarte {v} ist gesperrt.",
    "カード番号は{v}です。",
]
NETWORKS = [
    ("visa", ["4"], 16), ("visa", ["4"], 13), ("visa", ["4"], 19),
    ("mastercard", ["51", "52", "53", "54", "55"], 16),
    ("mastercard-2series", ["2221", "2300", "2500", "2720"], 16),
    ("amex", ["34", "37"], 15), ("discover", ["6011", "644", "649", "65"], 16),
    ("jcb", ["3528", "3550", "3589"], 16), ("diners", ["36", "300", "305", "38"], 14),
    ("maestro", ["5018", "5020", "5038", "6304", "6759", "6761"], 16),
    ("maestro", ["6759", "5018"], 19), ("unionpay", ["62"], 16), ("unionpay", ["62"], 19),
    ("dankort", ["5019"], 16), ("uatp", ["1"], 15), ("mir", ["2200", "2201", "2204"], 16),
    ("rupay", ["60", "508", "81"], 16), ("troy", ["9792"], 16), ("verve", ["506099", "650002"], 16),
]
PRESIDIO_CARDS = [
    ("4012888888881881", "visa"), ("4012-8888-8888-1881", "visa"), ("4012 8888 8888 1881", "visa"),
    ("122000000000003", "uatp"), ("371449635398431", "amex"), ("5555555555554444", "mastercard"),
    ("5019717010103742", "dankort"), ("30569309025904", "diners"), ("6011000400000000", "discover"),
    ("3528000700000000", "jcb"), ("6759649826438453", "maestro"), ("4111111111111111", "visa"),
    ("4917300800000000", "visa"), ("4484070000000000", "visa"),
]


def cards():
    out = []
    for num, fam in PRESIDIO_CARDS:
        out.append(rec(f"my credit card number is {num}", num, "S004", "card-" + fam, "presidio test_credit_card_recognizer"))
    for fam, prefixes, length in NETWORKS:
        for _ in range(8):
            num = luhn_complete(rng.choice(prefixes), length)
            style = rng.random()
            if length == 15 and fam == "amex":
                v = group(num, [4, 6, 5], rng.choice([" ", "-"]))
            elif length == 15:
                v = group(num, [4, 5, 6], " ")
            elif length == 14:
                v = group(num, [4, 6, 4], " ")
            elif length in (16, 19) and style < 0.7:
                pat = [4, 4, 4, 4] if length == 16 else [4, 4, 4, 4, 3]
                v = group(num, pat, rng.choice([" ", "-"]))
            else:
                v = num
            out.append(place(CARD_T, v, "S004", "card-" + fam, "ISO/IEC 7812 IIN table (random Luhn-valid number)"))
    # Two cards side by side, one space apart: both report.
    for _ in range(12):
        a = group(luhn_complete(rng.choice(["4", "51", "2221", "6011"]), 16), [4, 4, 4, 4], " ")
        b = group(luhn_complete(rng.choice(["4", "55", "3528", "62"]), 16), [4, 4, 4, 4], " ")
        text = f"Cards on file: {a} {b}"
        r = rec(text, a, "S004", "card-side-by-side", "two random Luhn-valid numbers")
        s = text.index(b, len("Cards on file: ") + len(a))
        r["also"] = [[s, s + len(b)]]
        out.append(r)
    # Hard negatives.
    negs = [
        ("my credit card number is 4012-8888-8888-1882", "neg-card-luhn", "presidio test_credit_card_recognizer"),
        ("my credit card number is 36168002586008", "neg-card-luhn", "presidio test_credit_card_recognizer"),
        ("Card: XXXX-XXXX-XXXX-1234.", "neg-card-masked", "placeholder"),
        ("Order 4716938472615530 shipped yesterday.", "neg-card-no-context", "Luhn-valid order number, no card word"),
    ]
    for t, f, s in negs:
        out.append(rec(t, None, None, f, s))
    for _ in range(20):
        num = luhn_complete(rng.choice(["4", "51", "37", "6011", "3528"]), 16)
        bad = num[:-1] + str((int(num[-1]) + rng.randint(1, 9)) % 10)
        out.append(rec(f"Card number: {group(bad, [4, 4, 4, 4], ' ')}", None, None, "neg-card-luhn", "random, check digit broken"))
    for _ in range(15):
        num = luhn_complete(rng.choice(["0", "7", "99", "8999"]), 16)
        out.append(rec(f"Card number: {group(num, [4, 4, 4, 4], ' ')}", None, None, "neg-card-iin", "Luhn-valid, no issuer range"))
    return out


def mod97_digits(s):
    conv = "".join(str(int(c, 36)) for c in s)
    return int(conv) % 97


def iban_make(cc, length):
    bban = ""
    for i in range(length - 4):
        bban += rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") if (cc in ("GB", "NL", "IE", "MT", "QA") and i < 4) else d(1)
    check = 98 - mod97_digits(bban + cc + "00")
    return f"{cc}{check:02d}{bban}"


def grouped(iban):
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


PRESIDIO_IBANS = [
    "AL47212110090000000235698741", "AD1200012030200359100100", "AT611904300234573201",
    "AZ21NABZ00000000137010001944", "BH67BMAG00001299123456", "BE68539007547034",
    "BA391290079401028494", "BR9700360305000010009795493P1", "BG80BNBG96611020345678",
    "CR05015202001026284066", "HR1210010051863000160", "CY17002001280000001200527600",
    "CZ6508000000192000145399", "DK5000400440116243", "EE382200221020145685", "FI2112345600000785",
    "FR1420041010050500013M02606", "DE89370400440532013000", "GI75NWBK000000007099453",
    "GR1601101250000000012300695", "HU42117730161111101800000000", "IS140159260076545510730339",
    "IE29AIBK93115212345678", "IL620108000000099999999", "IT60X0542811101000000123456",
    "NL91ABNA0417164300", "NO9386011117947", "PL61109010140000071219812874",
    "PT50000201231234567890154", "ES9121000418450200051332", "SE4550000000058398257466",
    "CH9300762011623852957", "GB29NWBK60161331926819", "MT84MALT011000012345MTLCAST001S",
]
IBAN_T = [
    "Please transfer the deposit to {v}.",
    "IBAN: {v}",
    "Meine IBAN lautet {v}, danke.",
    "Mon IBAN est {v}.",
    "Send it to account {v} by Friday.",
]


def ibans():
    out = []
    lengths = {}
    for line in open(os.path.join(HERE, "../../../../rules/sensitive/data/iban_registry.toml")):
        m = re.match(r"^([A-Z]{2}) = (\d+)", line)
        if m:
            lengths[m.group(1)] = int(m.group(2))
    for i, v in enumerate(PRESIDIO_IBANS):
        v = grouped(v) if i % 2 else v
        out.append(place(IBAN_T, v, "S010", "iban-presidio", "presidio test_iban_recognizer"))
    for cc in sorted(rng.sample(sorted(lengths), 30)):
        for _ in range(2):
            v = iban_make(cc, lengths[cc])
            v = grouped(v) if rng.random() < 0.5 else v
            out.append(place(IBAN_T, v, "S010", "iban-registry", "SWIFT IBAN registry length (random, valid check digits)"))
    # Negatives: a broken check digit, a wrong length.
    for v in rng.sample(PRESIDIO_IBANS, 15):
        bad = v[:-1] + ("0" if v[-1] != "0" else "1")
        if mod97_digits(bad[4:] + bad[:4]) == 1:
            continue
        out.append(rec(f"IBAN: {grouped(bad)}", None, None, "neg-iban-check", "presidio test_iban_recognizer (check digit broken)"))
    for v in rng.sample(PRESIDIO_IBANS, 10):
        out.append(rec(f"IBAN: {v[:-2]}", None, None, "neg-iban-length", "presidio test_iban_recognizer (shortened)"))
    return out


SSN_CTX = [
    "SSN: {v}",
    "My social security number is {v}.",
    "Her SSN {v} was on the form.",
    "{v} (SSN) must be redacted.",
    "Social Security No. {v}",
]


def ssn_valid():
    while True:
        a = rng.randint(1, 899)
        if a == 666:
            continue
        return f"{a:03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}"


def ssns():
    out = []
    for _ in range(30):
        a, g, s = ssn_valid()
        out.append(place(["Employee record: {v}.", "The form shows {v} in box 4.", "SSN {v}"], f"{a}-{g}-{s}", "S005", "ssn-dashed", "SSA numbering (random valid)"))
    for sep, fam in ((" ", "ssn-spaced"), (".", "ssn-dotted"), ("", "ssn-compact")):
        for _ in range(20):
            a, g, s = ssn_valid()
            out.append(place(SSN_CTX, f"{a}{sep}{g}{sep}{s}", "S005", fam, "SSA numbering (random valid), presidio test_us_ssn_recognizer forms"))
    for t in ["078-05-1123", "SSN 078.05.1123", "SSN 078 05 1123", "SSN 078051121"]:
        v = t.replace("SSN ", "")
        out.append(rec(t, v, "S005", "ssn-presidio", "presidio test_us_ssn_recognizer"))
    for t in ["0780511201", "078051120", "000000000", "666000000", "078-05-0000", "078 00 1123", "693-09.4444", "SSN 078-05-1120"]:
        out.append(rec(f"SSN {t}" if not t.startswith("SSN") else t, None, None, "neg-ssn", "presidio test_us_ssn_recognizer"))
    for _ in range(15):
        a, g, s = ssn_valid()
        out.append(rec(f"Order {a}{g}{s} ships Monday.", None, None, "neg-ssn-no-context", "random nine digits, no SSN word"))
        out.append(rec(f"Part {a} {g} {s} fits the pump.", None, None, "neg-ssn-no-context", "random nine digits, no SSN word"))
    for bad in ["000-12-3456", "666-12-3456", "900-12-3456", "536-00-1234", "536-22-0000"]:
        out.append(rec(f"SSN: {bad}", None, None, "neg-ssn-range", "SSA never-issued ranges"))
    return out


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def dobs():
    out = []
    T = ["Date of birth: {v}", "She was born on {v} in Leeds.", "DOB {v}", "My birthday is {v}.", "Born {v}, he grew up in Ohio.", "生年月日：{v}"]
    for _ in range(120):
        y, mo, da = rng.randint(1930, 2015), rng.randint(1, 12), rng.randint(1, 28)
        fam, v = rng.choice([
            ("dob-iso", f"{y}-{mo:02d}-{da:02d}"),
            ("dob-us-numeric", f"{mo}/{da}/{y}"),
            ("dob-eu-numeric", f"{da:02d}.{mo:02d}.{y}"),
            ("dob-two-digit-year", f"{mo}/{da}/{y % 100:02d}"),
            ("dob-two-digit-year", f"{da:02d}.{mo:02d}.{y % 100:02d}"),
            ("dob-month-name", f"{MONTHS[mo - 1]} {da}, {y}"),
            ("dob-month-name", f"{da} {MONTHS[mo - 1]} {y}"),
            ("dob-day-month-name", f"{da}-{MONTHS[mo - 1][:3]}-{y}"),
            ("dob-day-month-name", f"{da:02d}-{MONTHS[mo - 1][:3]}-{y % 100:02d}"),
            ("dob-ja", f"{y}年{mo}月{da}日"),
        ])
        tpl = T[-1] if fam == "dob-ja" else rng.choice(T[:-1])
        out.append(place([tpl], v, "S009", fam, "date formats (random date)"))
    negs = [
        ("The invoice is due 05/05/2021.", "neg-dob-other-date"),
        ("He passed away on November 3, 2011, in Boston.", "neg-dob-death"),
        ("She was born in 1950 and died on March 3, 2011.", "neg-dob-death"),
        ("My cat's birthday is May 5, 2020.", "neg-dob-pet"),
        ("Our dog Rex was born on 3/14/2019.", "neg-dob-pet"),
        ("The Beatles' song Birthday was released on 22 November 1968.", "neg-dob-song"),
        ("Birthday sale until 12/31/2024!", "neg-dob-sale"),
        ("The company was born on 4 April 1975 in a garage.", "neg-dob-company"),
        ("Version 5-May-2021 of the app shipped.", "neg-dob-other-date"),
        ("The birthday party is on June 5, 2024.", "neg-dob-party"),
    ]
    for t, f in negs:
        out.append(rec(t, None, None, f, "hard negative written for ftlint (issue 17 real-prose cases)"))
    return out


def emails():
    out = []
    names = ["maria.lopez", "j.smith", "kenji_t", "anna+news", "li.wei88", "o.brien"]
    doms = ["gmail.com", "mail.de", "yahoo.co.jp", "posteo.net", "univ-lyon.fr", "naver.com"]
    for _ in range(40):
        v = f"{rng.choice(names)}{rng.randint(1, 99)}@{rng.choice(doms)}"
        out.append(place(["Write to {v} for the keys.", "E-mail: {v}", "Mail me at <{v}>."], v, "S002", "email", "RFC 5322 address (random)"))
    for t, f in [
        ("Clone with git@github.com:org/repo.git", "neg-email-git"),
        ("Open https://admin:hunter2@intranet.example.org/dash", "neg-email-url-userinfo"),
        ("Connect to postgres://app:s3cret@db.internal:5432/app", "neg-email-url-userinfo"),
        ("Use icon@2x.png on retina screens.", "neg-email-retina"),
        ("Send it to user@example.com (documentation domain).", "neg-email-example"),
    ]:
        out.append(rec(t, None, None, f, "hard negative"))
    return out


def write(name, records):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    write("phones.jsonl", phones() + [rec(t, None, None, f, "hard negative written for ftlint") for t, f in NEG_NUMBERS])
    write("cards.jsonl", cards())
    write("ibans.jsonl", ibans())
    write("ssn.jsonl", ssns())
    write("birth_dates.jsonl", dobs())
    write("emails.jsonl", emails())


if __name__ == "__main__":
    main()
