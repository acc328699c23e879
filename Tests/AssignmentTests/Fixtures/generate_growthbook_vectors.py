#!/usr/bin/env python3
"""Generate independent GrowthBook reference vectors from the official
`growthbook` Python SDK (PyPI).

Usage (throwaway venv, nothing installed into the project):

    python3 -m venv /tmp/gbvenv
    /tmp/gbvenv/bin/pip install growthbook
    /tmp/gbvenv/bin/python Tests/AssignmentTests/Fixtures/generate_growthbook_vectors.py

Writes growthbook-vectors.json next to this script. Every value in the output
is produced by the SDK's own functions (growthbook.core.gbhash,
getBucketRanges, chooseVariation) or by its real experiment-run path
(GrowthBook(...).run(Experiment(...))). The only value NOT produced by the SDK
is `codepoint_value` in the "astral_python_codepoint" section, which is
computed locally (see the note written into that section).

The output is deterministic: no randomness, no clock.
"""

import json
import os
import platform
import sys
import uuid
from importlib.metadata import version as dist_version

from growthbook import Experiment, GrowthBook
from growthbook.core import chooseVariation, gbhash, getBucketRanges

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "growthbook-vectors.json")

# ---------------------------------------------------------------------------
# Id sets
# ---------------------------------------------------------------------------

NUMERIC_IDS = [str(i) for i in range(1, 101)]

ASCII_IDS = [
    "user-123",
    "user-0",
    "USER-123",
    "ana@example.com",
    "bob.smith@example.org",
    "carol+test@mail.example.co.uk",
    "dave_99@example.net",
    "eve@x.io",
    "",  # empty id: gbhash itself still hashes it (the run path skips it)
    " ",
    "a",
    "0",
    "-1",
    "3.14",
    "id with spaces",
    "tab\there",
    "quote\"and\\backslash",
    "___)((*\":&",
    "customer:000042",
    "0000000000",
]

# Deterministic UUIDs (uuid5 over a fixed namespace), lower-case canonical form.
UUID_IDS = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"holdout://user/{i}")) for i in range(12)]
UUID_IDS.append(UUID_IDS[0].upper())  # case matters for the hash

LONG_IDS = [
    "x" * 200,
    ("abcdefghij" * 20),
    ("user-" + "0123456789" * 20)[:200],
    ("ñ" * 200),  # long non-ASCII BMP id
]

# Non-ASCII, Basic Multilingual Plane only (no surrogate pairs in UTF-16).
BMP_IDS = [
    "josé",
    "Zoë",
    "Zoe\u0308",          # Zoë in decomposed form (NFD) - hashes differently
    "用户42",
    "пользователь",
    "ß",
    "ẞ",
    "ñandú@example.com",
    "müller@example.de",
    "مستخدم",             # Arabic
    "उपयोगकर्ता",           # Hindi (Devanagari)
    "ユーザー",            # Japanese katakana
    "ひらがな太郎",          # Japanese hiragana + kanji
    "사용자7",             # Korean
    "χρήστης",            # Greek
    "משתמש",              # Hebrew
    "Ł\u00f3d\u017a",     # Łódź
    "naïve-café",
    "€100",
    "\u00a0nbsp",
    "\uffff",             # highest BMP code point
    "\u0080",             # lowest non-ASCII
    "ÿ",
    "Ω≈ç√∫",
    "日本語テキスト-" + "1234",
]

ALL_HASH_IDS = NUMERIC_IDS + ASCII_IDS + UUID_IDS + LONG_IDS + BMP_IDS

HASH_SEEDS_FULL = ["winback-2026", "cart_recovery"]
HASH_SEEDS_PARTIAL = ["", "ünïcode-seed", "legacy", "用户-seed"]
PARTIAL_IDS = NUMERIC_IDS[:10] + ASCII_IDS + UUID_IDS[:3] + LONG_IDS + BMP_IDS

# Astral-plane ids (need UTF-16 surrogate pairs). Kept out of "hash".
ASTRAL_IDS = ["😀", "user-🚀", "👩‍💻dev", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "🇵🇹-42"]


def _assert_bmp(s: str) -> None:
    assert all(ord(c) <= 0xFFFF for c in s), f"astral char in BMP list: {s!r}"


def codepoint_fnv1a32(s: str) -> int:
    """FNV-1a 32 over Unicode code points (ord). NOT the SDK's function:
    this reproduces what growthbook<=3.2.2 did for non-ASCII strings, for
    documentation of the divergence only."""
    h = 0x811C9DC5
    for ch in s:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


def codepoint_hash(seed: str, value: str, version: int):
    if version == 2:
        return (codepoint_fnv1a32(str(codepoint_fnv1a32(seed + value))) % 10000) / 10000
    if version == 1:
        return (codepoint_fnv1a32(value + seed) % 1000) / 1000
    return None


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------

def build_hash():
    cases = []
    for s in HASH_SEEDS_FULL + HASH_SEEDS_PARTIAL:
        _assert_bmp(s)
    for i in ALL_HASH_IDS:
        _assert_bmp(i)

    def add(seed, ident, ver):
        cases.append({"seed": seed, "id": ident, "version": ver, "value": gbhash(seed, ident, ver)})

    for seed in HASH_SEEDS_FULL:
        for ver in (2, 1):
            for ident in ALL_HASH_IDS:
                add(seed, ident, ver)
    for seed in HASH_SEEDS_PARTIAL:
        for ver in (2, 1):
            for ident in PARTIAL_IDS:
                add(seed, ident, ver)
    # Unsupported versions -> null
    for ver in (0, 3, 99, -1):
        add("winback-2026", "user-123", ver)
    return cases


def build_astral():
    cases = []
    for seed in ("winback-2026",):
        for ident in ASTRAL_IDS:
            assert any(ord(c) > 0xFFFF for c in ident)
            for ver in (2, 1):
                cases.append({
                    "seed": seed,
                    "id": ident,
                    "version": ver,
                    "value": gbhash(seed, ident, ver),
                    "codepoint_value": codepoint_hash(seed, ident, ver),
                })
    return cases


BUCKET_RANGE_INPUTS = [
    (2, 1, None),
    (3, 1, None),
    (4, 1, None),
    (2, 0.5, None),
    (3, 0.8, None),
    (2, 0, None),
    (3, 1, [0.1, 0.45, 0.45]),
    (3, 0.5, [0.1, 0.45, 0.45]),
    (3, 0.8, [0.1, 0.45, 0.45]),
    (3, 0.99, [0.1, 0.45, 0.45]),
    (3, 0, [0.1, 0.45, 0.45]),
    (2, 1, [0.1, 0.9]),
    (2, 0.8, [0.1, 0.9]),
    (2, 0.99, [0.1, 0.9]),
    (2, 1, [0.05, 0.95]),
    (2, 0.5, [0.05, 0.95]),
    (3, 1, [0.2, 0.4, 0.4]),
    (3, 0.8, [0.2, 0.4, 0.4]),
    (2, 1, [0.4, 0.5999]),      # sum 0.9999: inside tolerance, kept as-is
    (2, 1, [0.5, 0.6]),         # sum 1.1: falls back to equal weights
    (3, 1, [0.3, 0.3, 0.3]),    # sum 0.9: falls back to equal weights
    (3, 0.5, [0.2, 0.2, 0.2]),  # sum 0.6 + coverage: equal weights * coverage
    (4, 1, [0.5, 0.5]),         # length mismatch: equal weights
    (2, 1.5, None),             # coverage > 1 clamped to 1
    (2, -0.2, None),            # coverage < 0 clamped to 0
    (5, 1, None),
    (7, 1, None),
]


def build_bucket_ranges():
    out = []
    for n, cov, w in BUCKET_RANGE_INPUTS:
        ranges = getBucketRanges(n, cov, list(w) if w is not None else None)
        out.append({
            "num_variations": n,
            "coverage": cov,
            "weights": list(w) if w is not None else None,
            "ranges": [[a, b] for (a, b) in ranges],
        })
    return out


ASSIGNMENT_CONFIGS = [
    {"seed": "winback-2026", "weights": [0.1, 0.45, 0.45], "coverage": 1, "hash_version": 2},
    {"seed": "cart", "weights": [0.1, 0.9], "coverage": 0.8, "hash_version": 2},
    {"seed": "legacy", "weights": [0.5, 0.5], "coverage": 1, "hash_version": 1},
]

BMP_NAMES = ["josé", "Zoë", "用户", "пользователь", "ß", "ñandú", "مستخدم",
             "उपयोगकर्ता", "ユーザー", "사용자", "χρήστης", "müller"]


def assignment_ids():
    ids = [f"user-{i}" for i in range(1, 101)]
    ids += [str(uuid.uuid5(uuid.NAMESPACE_DNS, f"assign-{i}.holdout.test")) for i in range(20)]
    ids += [f"customer{i}@example.com" for i in range(20)]
    # 60 non-ASCII BMP ids
    for i in range(60):
        name = BMP_NAMES[i % len(BMP_NAMES)]
        ids.append(f"{name}{i}")
    assert len(ids) == 200 and len(set(ids)) == 200
    for i in ids:
        _assert_bmp(i)
    return ids


def build_assignments(disagreements):
    out = []
    ids = assignment_ids()
    for cfg in ASSIGNMENT_CONFIGS:
        nvar = len(cfg["weights"])
        ranges = getBucketRanges(nvar, cfg["coverage"], list(cfg["weights"]))
        cases = []
        for ident in ids:
            # Real SDK path.
            gb = GrowthBook(attributes={"id": ident})
            exp = Experiment(
                key="exp-" + cfg["seed"],
                variations=list(range(nvar)),
                weights=list(cfg["weights"]),
                coverage=cfg["coverage"],
                seed=cfg["seed"],
                hashVersion=cfg["hash_version"],
            )
            res = gb.run(exp)
            gb.destroy()
            run_variation = res.variationId if res.inExperiment else -1

            # Low-level cross-check.
            n = gbhash(cfg["seed"], ident, cfg["hash_version"])
            low_variation = chooseVariation(n, ranges)

            if run_variation != low_variation or (res.inExperiment and res.bucket != n):
                disagreements.append({
                    "config": cfg, "id": ident,
                    "run": {"variationId": res.variationId, "inExperiment": res.inExperiment,
                            "bucket": res.bucket},
                    "low_level": {"bucket": n, "variation": low_variation},
                })
            cases.append({"id": ident, "bucket": n, "variation": run_variation})
        out.append({
            "seed": cfg["seed"],
            "weights": cfg["weights"],
            "coverage": cfg["coverage"],
            "hash_version": cfg["hash_version"],
            "ranges": [[a, b] for (a, b) in ranges],
            "cases": cases,
        })
    return out


def boundary_targets(ranges, version):
    """Hash values (on the SDK's grid) equal to a range endpoint, or one grid
    step either side of it. Endpoints such as 0.08000000000000002 make these
    sensitive to how ranges are computed (float accumulation vs rounding)."""
    step = 1 / 10000 if version == 2 else 1 / 1000
    scale = 10000 if version == 2 else 1000
    targets = set()
    for r in ranges:
        for e in r:
            k = round(e * scale)
            for kk in (k - 1, k, k + 1):
                if 0 <= kk < scale:
                    targets.add(kk / scale)
    return sorted(targets)


def build_boundary_assignments(disagreements):
    """Ids (user-N, found by a deterministic scan) whose bucket lands exactly
    on, or one hash step beside, a bucket-range endpoint of each config."""
    out = []
    for cfg in ASSIGNMENT_CONFIGS:
        nvar = len(cfg["weights"])
        ranges = getBucketRanges(nvar, cfg["coverage"], list(cfg["weights"]))
        wanted = {t: [] for t in boundary_targets(ranges, cfg["hash_version"])}
        for k in range(1, 400000):
            ident = f"user-{k}"
            n = gbhash(cfg["seed"], ident, cfg["hash_version"])
            if n in wanted and len(wanted[n]) < 2:
                wanted[n].append(ident)
            if all(len(v) == 2 for v in wanted.values()):
                break
        cases = []
        for t in sorted(wanted):
            for ident in wanted[t]:
                gb = GrowthBook(attributes={"id": ident})
                res = gb.run(Experiment(
                    key="exp-" + cfg["seed"], variations=list(range(nvar)),
                    weights=list(cfg["weights"]), coverage=cfg["coverage"],
                    seed=cfg["seed"], hashVersion=cfg["hash_version"]))
                gb.destroy()
                run_variation = res.variationId if res.inExperiment else -1
                n = gbhash(cfg["seed"], ident, cfg["hash_version"])
                low = chooseVariation(n, ranges)
                if run_variation != low:
                    disagreements.append({"config": cfg, "id": ident, "boundary": True,
                                          "run": run_variation, "low_level": low})
                cases.append({"id": ident, "bucket": n, "variation": run_variation})
        out.append({
            "seed": cfg["seed"], "weights": cfg["weights"], "coverage": cfg["coverage"],
            "hash_version": cfg["hash_version"],
            "ranges": [[a, b] for (a, b) in ranges],
            "cases": cases,
        })
    return out


def main():
    disagreements = []
    doc = {
        "generator": {
            "package": "growthbook",
            "version": dist_version("growthbook"),
            "python": platform.python_version(),
            "script": "Tests/AssignmentTests/Fixtures/generate_growthbook_vectors.py",
        },
        "hash": build_hash(),
        "astral_python_codepoint": {
            "note": (
                "Ids containing astral-plane characters (UTF-16 surrogate pairs). "
                "The JS SDK, which hashes UTF-16 code units (charCodeAt), is the reference. "
                "'value' is the output of the installed growthbook Python SDK's gbhash: "
                "from growthbook 4.0.0 its fnv1a32 hashes UTF-16 code units "
                "(s.encode('utf-16-le', 'surrogatepass')), so 'value' is expected to AGREE "
                "with the JS SDK. 'codepoint_value' is NOT SDK output: it is computed locally by "
                "hashing Unicode code points (ord), which is what growthbook<=3.2.2 did for "
                "non-ASCII strings; it intentionally differs from the JS reference and is kept "
                "only to document that divergence. For BMP-only strings both are identical."
            ),
            "cases": build_astral(),
        },
        "bucket_ranges": build_bucket_ranges(),
        "assignments": build_assignments(disagreements),
        "boundary_assignments": build_boundary_assignments(disagreements),
        "run_vs_lowlevel_disagreements": disagreements,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {OUT}", file=sys.stderr)
    print(f"hash={len(doc['hash'])} astral={len(doc['astral_python_codepoint']['cases'])} "
          f"bucket_ranges={len(doc['bucket_ranges'])} "
          f"assignments={[len(a['cases']) for a in doc['assignments']]} "
          f"boundary={[len(a['cases']) for a in doc['boundary_assignments']]} "
          f"disagreements={len(disagreements)}", file=sys.stderr)


if __name__ == "__main__":
    main()
