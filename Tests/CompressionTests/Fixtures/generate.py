"""Fixtures for CompressionTests from Python's zlib and gzip (deterministic: fixed seed, mtime 0)."""
import gzip
import io
import os
import random
import zlib

os.makedirs("deflate", exist_ok=True)
os.makedirs("gzip", exist_ok=True)

rng = random.Random(26)
words = "holdout arm treatment control revenue order user_id campaign sent opened clicked 0 1 2 3.50 19.99 2026-09-14".split()
lines = []
for i in range(90):
    lines.append(",".join([str(1000 + i), rng.choice(words), rng.choice(words), str(rng.randint(0, 10**rng.randint(1, 9)))]))
text = ("\n".join(lines) + "\n").encode()
open("deflate/input.txt", "wb").write(text)

strategies = {"default": zlib.Z_DEFAULT_STRATEGY, "filtered": zlib.Z_FILTERED, "huffman": zlib.Z_HUFFMAN_ONLY,
              "rle": zlib.Z_RLE, "fixed": zlib.Z_FIXED}
for level in range(10):
    for name, strategy in strategies.items():
        c = zlib.compressobj(level, zlib.DEFLATED, 15, 9, strategy)
        open(f"deflate/l{level}-{name}.zz", "wb").write(c.compress(text) + c.flush())
for wbits in range(9, 16):
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    open(f"deflate/w{wbits}.zz", "wb").write(c.compress(text * 3) + c.flush())
    c = zlib.compressobj(6, zlib.DEFLATED, -wbits)
    open(f"deflate/w{wbits}.deflate", "wb").write(c.compress(text * 3) + c.flush())
# Flushes mid-stream: empty stored blocks (sync) and a reset history (full).
c = zlib.compressobj(6, zlib.DEFLATED, -15)
flushed = c.compress(text[:1000]) + c.flush(zlib.Z_SYNC_FLUSH) + c.compress(text[1000:2000]) + c.flush(zlib.Z_FULL_FLUSH)
flushed += c.flush(zlib.Z_SYNC_FLUSH) + c.compress(text[2000:]) + c.flush()
open("deflate/flushes.deflate", "wb").write(flushed)
open("deflate/empty.zz", "wb").write(zlib.compress(b""))
open("deflate/one-byte.zz", "wb").write(zlib.compress(b"A"))
open("deflate/empty.deflate", "wb").write(zlib.compressobj(6, zlib.DEFLATED, -15).compress(b"") + zlib.compressobj(6, zlib.DEFLATED, -15).flush())

def member(data, **kw):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, **kw) as f:
        f.write(data)
    return out.getvalue()

# gzip: multi-member with an empty member in the middle.
open("gzip/multi-member.gz", "wb").write(member(text[:500]) + member(b"") + member(text[500:]))
open("gzip/empty.gz", "wb").write(member(b""))

# Hand-assembled header with every optional field: FTEXT FHCRC FEXTRA FNAME FCOMMENT.
body = zlib.compressobj(9, zlib.DEFLATED, -15)
deflated = body.compress(text) + body.flush()
flags = 0x01 | 0x02 | 0x04 | 0x08 | 0x10
header = bytes([0x1F, 0x8B, 8, flags, 0, 0, 0, 0, 2, 3])
extra = b"AP" + (6).to_bytes(2, "little") + b"abcdef"
header += len(extra).to_bytes(2, "little") + extra + b"input.txt\x00" + "a comment, with caf\xe9".encode("latin-1") + b"\x00"
header += (zlib.crc32(header) & 0xFFFF).to_bytes(2, "little")
trailer = zlib.crc32(text).to_bytes(4, "little") + (len(text) & 0xFFFFFFFF).to_bytes(4, "little")
open("gzip/all-header-fields.gz", "wb").write(header + deflated + trailer)
