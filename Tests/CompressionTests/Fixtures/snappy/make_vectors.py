"""Writes the Snappy test vectors of CompressionTests/SnappyTests.swift (run once; committed).

Usage: python make_vectors.py   (with cramjam installed: .build/venv-avro/bin/python, see .ci/avro)

Each vector is NAME.snappy, raw Snappy compressed by cramjam (Google's snappy through the Rust
`snap` crate); manifest.tsv lists NAME, the uncompressed length, its CRC-32 (zlib) and its
CRC-32C computed here bit by bit, independently of the Swift tables. Small ones also keep
NAME.raw, the uncompressed bytes, for an exact comparison.
"""
import random
import zlib

import cramjam


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


rng = random.Random(20240611)
words = b"holdout lift conversion email push webhook canvas campaign control group purchase".split()
vectors = {
    "empty": b"",
    "hello": b"hello",
    "text": b" ".join(rng.choice(words) for _ in range(1500)),
    "random-300": bytes(rng.randrange(256) for _ in range(300)),
    "runs": b"a" * 1000 + b"ab" * 500 + bytes(range(256)) * 8,
    "mixed-70k": b"".join(
        bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))) + rng.choice(words) * rng.randrange(1, 30)
        for _ in range(3000)
    )[:70000],
}
with open("manifest.tsv", "w") as manifest:
    for name, data in vectors.items():
        compressed = bytes(cramjam.snappy.compress_raw(data))
        assert bytes(cramjam.snappy.decompress_raw(compressed)) == data
        open(f"{name}.snappy", "wb").write(compressed)
        if len(data) <= 4096:
            open(f"{name}.raw", "wb").write(data)
        manifest.write(f"{name}\t{len(data)}\t{zlib.crc32(data):08x}\t{crc32c(data):08x}\n")
