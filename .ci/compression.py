"""The differential check of .ci/compression: generates cases, runs the Swift driver in batch
mode, compares with Python's zlib/gzip/zipfile. Usage: compression.py DRIVER CASES WORKDIR."""
import io
import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
import zlib

driver, total, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
rng = random.Random(26)
started = time.time()
WORDS = [w.encode() for w in "user_id event sent opened clicked order revenue 2026-09-14 holdout arm , ; { } \" 0 1 19.99".split()]


def data(size):
    kind = rng.choice(["text", "random", "runs", "mixed", "small-alphabet"])
    if size == 0:
        return b""
    if kind == "text":
        parts, n = [], 0
        while n < size:
            w = rng.choice(WORDS) + rng.choice([b" ", b",", b"\n"])
            parts.append(w)
            n += len(w)
        return b"".join(parts)[:size]
    if kind == "random":
        return rng.randbytes(size)
    if kind == "runs":
        parts, n = [], 0
        while n < size:
            k = rng.choice([1, 3, 50, 300, 5000])
            parts.append(bytes([rng.randrange(256)]) * k)
            n += k
        return b"".join(parts)[:size]
    if kind == "mixed":
        parts, n = [], 0
        while n < size:
            k = rng.randrange(1, 2000)
            parts.append(rng.randbytes(k) if rng.random() < 0.3 else bytes([rng.randrange(4)]) * k)
            n += k
        return b"".join(parts)[:size]
    return bytes(rng.choice(b"ACGT") for _ in range(size))


def size():
    r = rng.random()
    if r < 0.05:
        return rng.choice([0, 1, 2, 3])
    if r < 0.6:
        return rng.randrange(4, 5000)
    if r < 0.95:
        return rng.randrange(5000, 200_000)
    return rng.randrange(200_000, 1_000_000)


def compress(raw, wbits):
    strategy = rng.choice([zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE, zlib.Z_FIXED])
    c = zlib.compressobj(rng.randrange(0, 10), zlib.DEFLATED, wbits, rng.randrange(1, 10), strategy)
    out, i = [], 0
    while i < len(raw):
        k = rng.choice([len(raw), rng.randrange(1, 70_000)])
        out.append(c.compress(raw[i:i + k]))
        i += k
        if rng.random() < 0.3:
            out.append(c.flush(rng.choice([zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH, zlib.Z_PARTIAL_FLUSH, zlib.Z_BLOCK])))
    out.append(c.flush())
    return b"".join(out)


def reference(blob, wrapper):
    """Python's answer under the same policy: ok LENGTH CRC ADLER MEMBERS GARBAGE, or error."""
    try:
        out, members, rest = [], 0, blob
        while True:
            d = zlib.decompressobj({"raw": -15, "zlib": 15, "gzip": 31}[wrapper])
            out.append(d.decompress(rest))
            out.append(d.flush())
            if not d.eof:
                return "error"
            members += 1
            rest = d.unused_data
            if wrapper == "gzip" and len(rest) >= 2 and rest[:2] == b"\x1f\x8b":
                continue
            break
        garbage = len(rest) if any(rest) else 0
        o = b"".join(out)
        return "ok %d %08x %08x %d %d" % (len(o), zlib.crc32(o), zlib.adler32(o), members, garbage)
    except zlib.error:
        return "error"


def damage(blob):
    blob = bytearray(blob)
    what = rng.random()
    if not blob or what < 0.35:
        return bytes(blob[:rng.randrange(0, len(blob) + 1)])
    for _ in range(1 if what < 0.85 else rng.randrange(2, 6)):
        i = rng.randrange(len(blob))
        blob[i] ^= rng.randrange(1, 256)
    return bytes(blob)


manifest, expected = [], []
for n in range(total):
    wrapper = rng.choice(["raw", "zlib", "gzip"])
    bits = rng.randrange(9, 16)
    raw = data(size())
    if wrapper == "gzip" and rng.random() < 0.25:
        blob = b"".join(compress(data(size() // 4) if rng.random() < 0.8 else b"", 16 + bits) for _ in range(rng.randrange(2, 5)))
        if rng.random() < 0.3:
            blob += rng.choice([b"\0" * rng.randrange(1, 600), rng.randbytes(rng.randrange(1, 40))])
    else:
        blob = compress(raw, {"raw": -bits, "zlib": bits, "gzip": 16 + bits}[wrapper])
    damaged = n % 3 == 2
    if damaged:
        blob = damage(blob)
    path = os.path.join(work, "c%05d" % n)
    open(path, "wb").write(blob)
    piece = rng.choice([1, 2, 3, 5, 8, 17, 64, 1000, 65536]) if len(blob) < 40_000 else rng.choice([4093, 65536, 1 << 20])
    manifest.append("%s %d %s" % (wrapper, piece, path))
    expected.append((reference(blob, wrapper), damaged, wrapper, len(blob), piece))
open(os.path.join(work, "manifest"), "w").write("\n".join(manifest) + "\n")

# Zip archives from zipfile: stored/deflated members, ZIP64 forced, data descriptors (unseekable).
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

zips, zip_expected = [], []
for n in range(max(50, total // 15)):
    target = Unseekable() if rng.random() < 0.3 else io.BytesIO()
    names = set()
    with zipfile.ZipFile(target, "w") as z:
        for m in range(rng.randrange(0, 6)):
            name = rng.choice(["a", "dir/b", "c\u00e9", "../d", "e f"]) + str(m) + ".txt"
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
            if info.compress_type == zipfile.ZIP_DEFLATED:
                info._compresslevel = rng.randrange(0, 10)
            with z.open(info, "w", force_zip64=rng.random() < 0.3) as f:
                f.write(data(size() // 8))
    blob = bytes(target.buffer) if isinstance(target, Unseekable) else target.getvalue()
    damaged = n % 3 == 2
    if damaged:
        blob = damage(blob)
    path = os.path.join(work, "z%05d.zip" % n)
    open(path, "wb").write(blob)
    zips.append(path)
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            fields = ["ok"]
            for info in z.infolist():
                raw_name = info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
                try:
                    b = z.read(info)
                    fields.append("%s:%d:%08x" % (raw_name.hex(), len(b), zlib.crc32(b)))
                except Exception:
                    fields.append("%s:error" % raw_name.hex())
            zip_expected.append((" ".join(fields), damaged, path))
    except Exception:
        zip_expected.append(("error", damaged, path))
open(os.path.join(work, "zips"), "w").write("\n".join(zips) + "\n")
generated = time.time()

failures = 0
def fail(message):
    global failures
    failures += 1
    if failures <= 20:
        print("FAIL " + message)

result = subprocess.run([driver, "batch", os.path.join(work, "manifest")], capture_output=True, text=True)
if result.returncode != 0:
    fail("the driver exited with %d (a crash?): %s" % (result.returncode, result.stderr[-2000:]))
got = result.stdout.splitlines()
if len(got) != len(expected):
    fail("%d answers for %d cases" % (len(got), len(expected)))
agreed = errors = lenient = 0
for (want, damaged, wrapper, length, piece), answer, line in zip(expected, got, manifest):
    if answer.startswith("mismatch"):
        fail("whole and %d-byte pieces disagree on %s: %s" % (piece, line, answer))
    elif answer == want or (want == "error" and answer.startswith("error")):
        agreed += 1
    elif damaged and answer.startswith("error"):
        errors += 1  # Python decoded damaged input that we refuse (allowed: an error, not other bytes)
    else:
        fail("%s (%s, %d bytes): Swift says %r, Python %r" % (line, "damaged" if damaged else "valid", length, answer, want))

result = subprocess.run([driver, "zip", os.path.join(work, "zips")], capture_output=True, text=True)
if result.returncode != 0:
    fail("the zip driver exited with %d (a crash?): %s" % (result.returncode, result.stderr[-2000:]))
zip_got = result.stdout.splitlines()
zip_agreed = zip_refused = 0
for (want, damaged, path), answer in zip(zip_expected, zip_got):
    if answer == want:
        zip_agreed += 1
        continue
    if damaged:
        # Damaged: we may refuse the archive or a member; every member we do read must match.
        if answer.startswith("error"):
            zip_refused += 1
            continue
        python = dict(f.split(":", 1) for f in want.split()[1:]) if want.startswith("ok") else {}
        bad = [f for f in answer.split()[1:] if "error" not in f and python.get(f.split(":")[0]) not in (None, f.split(":", 1)[1])]
        bad += [f for f in answer.split()[1:] if "error" not in f and want == "error"]
        if not bad:
            zip_refused += 1
            continue
    fail("%s: Swift says %r, Python %r" % (path, answer[:300], want[:300]))
if len(zip_got) != len(zip_expected):
    fail("%d zip answers for %d archives" % (len(zip_got), len(zip_expected)))

print("compression differential: %d streams (%d agreed, %d damaged ones refused where Python decoded), "
      "%d zips (%d agreed, %d damaged ones refused); generated in %.0f s, checked in %.0f s; %d failures"
      % (len(expected), agreed, errors, len(zip_expected), zip_agreed, zip_refused, generated - started,
         time.time() - generated, failures))
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if failures else 0)
