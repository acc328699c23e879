"""Zip fixtures for CompressionTests: Python's zipfile, and a small writer for what zipfile
will not write (ZIP64 records at small sizes, CP437 names, lying sizes, overlapping members)."""
import io
import os
import struct
import zipfile
import zlib

os.makedirs("zip", exist_ok=True)
text = open("deflate/input.txt", "rb").read()
T = (1980, 1, 1, 0, 0, 0)


def info(name, method=zipfile.ZIP_DEFLATED):
    z = zipfile.ZipInfo(name, date_time=T)
    z.compress_type = method
    z.external_attr = 0o644 << 16
    return z


with zipfile.ZipFile("zip/stored.zip", "w") as z:
    z.writestr(info("data/", zipfile.ZIP_STORED), b"")
    z.writestr(info("data/input.txt", zipfile.ZIP_STORED), text)
    z.writestr(info("data/empty.txt", zipfile.ZIP_STORED), b"")
with zipfile.ZipFile("zip/deflated.zip", "w") as z:
    z.writestr(info("input.txt"), text)
    z.writestr(info("twice.txt"), text + text)
    z.writestr(info("empty.txt"), b"")
    z.comment = b"an archive comment"
# zipfile with force_zip64: ZIP64 extra fields in the local headers.
with zipfile.ZipFile("zip/zip64-python.zip", "w") as z:
    with z.open(info("input.txt"), "w", force_zip64=True) as f:
        f.write(text)
# Non-seekable output: data descriptors (flag bit 3, signature 50 4b 07 08).
class Unseekable(io.RawIOBase):
    def __init__(self):
        self.buffer = bytearray()
    def writable(self):
        return True
    def write(self, b):
        self.buffer += b
        return len(b)
    def seekable(self):
        return False
out = Unseekable()
with zipfile.ZipFile(out, "w") as z:
    with z.open(info("input.txt"), "w") as f:
        f.write(text)
    with z.open(info("stored.txt", zipfile.ZIP_STORED), "w") as f:
        f.write(text[:100])
open("zip/descriptor-python.zip", "wb").write(bytes(out.buffer))
with zipfile.ZipFile("zip/names-utf8.zip", "w") as z:
    z.writestr(info("café/naïve ☕.txt"), b"utf-8 name\n")
    z.writestr(info("ascii.txt"), b"ascii name\n")
with zipfile.ZipFile("zip/bzip2-lzma.zip", "w") as z:
    z.writestr(info("b.txt", zipfile.ZIP_BZIP2), text)
    z.writestr(info("l.txt", zipfile.ZIP_LZMA), text)
    z.writestr(info("plain.txt"), b"plain\n")


def deflate(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def build(entries, zip64=False, comment=b"", prefix=b"", eocd_entries=None):
    """entries: dicts name(bytes), data(bytes, as stored), crc, usize, method, flags,
    offset (None: where written; an int: reuse), write (False: central directory only)."""
    body = bytearray(prefix)
    central = bytearray()
    for e in entries:
        if e.get("write", True):
            e["offset"] = len(body) - len(prefix)
            local_extra, lc, lu = b"", len(e["data"]), e["usize"]
            if zip64:
                local_extra, lc, lu = struct.pack("<HHQQ", 1, 16, lu, lc), 0xFFFFFFFF, 0xFFFFFFFF
            body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.get("flags", 0), e["method"], 0, 0x21,
                                e["crc"], lc, lu, len(e["name"]), len(local_extra))
            body += e["name"] + local_extra + e["data"]
        csize, usize, offset = len(e["data"]), e["usize"], e["offset"]
        extra = b""
        if zip64:
            extra = struct.pack("<HHQQQ", 1, 24, usize, csize, offset)
            csize = usize = offset = 0xFFFFFFFF
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 45 if zip64 else 20, e.get("flags", 0),
                               e["method"], 0, 0x21, e["crc"], csize, usize, len(e["name"]), len(extra), 0, 0, 0,
                               0o644 << 16, offset)
        central += e["name"] + extra
    cd_offset = len(body) - len(prefix)
    count = len(entries) if eocd_entries is None else eocd_entries
    out = bytes(body) + bytes(central)
    if zip64:
        record_offset = len(out) - len(prefix)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(central), cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, record_offset, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, len(comment))
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), cd_offset, len(comment))
    return out + comment


def entry(name, data, method=8, **kw):
    stored = deflate(data) if method == 8 else data
    return dict(name=name, data=stored, crc=zlib.crc32(data), usize=len(data), method=method, **kw)


open("zip/zip64-records.zip", "wb").write(build([entry(b"input.txt", text), entry(b"copy.txt", text, method=0)], zip64=True))
# CP437: 0x82 is e-acute, 0x94 o-umlaut, 0xE1 sharp s.
open("zip/names-cp437.zip", "wb").write(build([entry(b"caf\x82 gr\x94\xe1e.txt", b"cp437 name\n")]))
open("zip/names-unsafe.zip", "wb").write(build([entry(b"../../evil.txt", b"x\n"), entry(b"/etc/passwd", b"y\n")]))
# A self-extractor-like stub before the archive: offsets are relative to the archive's start.
open("zip/prefixed.zip", "wb").write(build([entry(b"input.txt", text)], prefix=b"#!/bin/sh\necho stub\nexit 0\n", comment=b"c"))
# Zip bombs. Overlapping: 200 entries share one local header and its kernel.
kernel = entry(b"k.txt", b"\0" * 1_000_000)
overlap = [kernel] + [dict(kernel, name=b"k.txt", write=False, offset=0) for _ in range(199)]
open("zip/bomb-overlap.zip", "wb").write(build(overlap))
# A member claiming 2^40 bytes (it has 1 MB): refused by the ratio limit before any allocation.
liar = entry(b"big.txt", b"\0" * 1_000_000)
liar["usize"] = 1 << 40
open("zip/bomb-claims.zip", "wb").write(build([liar], zip64=True))
# A member that decodes to more than it declares.
short = entry(b"short.txt", text)
short["usize"] = 100
open("zip/size-lie.zip", "wb").write(build([short]))
# A real 10 MB of zeros (about 10 KB deflated): refused under tighter limits.
open("zip/zeros.zip", "wb").write(build([entry(b"zeros.bin", b"\0" * 10_000_000)]))
# More entries claimed than the central directory can hold.
open("zip/too-many-entries.zip", "wb").write(build([entry(b"a.txt", b"a\n")], eocd_entries=5))
# A damaged member CRC in the central directory.
bad = entry(b"input.txt", text)
bad["crc"] ^= 1
open("zip/bad-crc.zip", "wb").write(build([bad]))
