"""The differential check of Holdout's Avro reader (run by .ci/avro; see its header).

Usage: python .ci/avro_differential.py DRIVER WORKDIR SEED CODECS

Writes random schemas (every type: records nested and referred to by name, enums, fixed, arrays,
maps, unions, and every logical type) and random records, as Avro files written by fastavro
(codecs null/deflate/snappy, small sync intervals so files have many blocks), by the Apache
reference implementation (`avro`; logical types stripped, which it does not all know), and by
hand (blocks chosen here, empty ones included). The driver transcodes each file to JSON lines;
every value is compared with what fastavro reads, mapped by Holdout's JSON rules
(Sources/Ingest/README.md): floats by their round-trip value (a float as float32), decimals by
exact text, timestamps as ISO-8601 text. Exits 1 on the first file with differences.
"""
import datetime
import io
import json
import math
import os
import random
import struct
import subprocess
import sys
import time
import uuid
import zlib
from collections import Counter

import avro.datafile
import avro.io
import avro.schema
import cramjam
import fastavro

DRIVER, WORK, SEED, CODECS = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
rng = random.Random(SEED)

LOGICAL = [
    ("int", "date"), ("int", "time-millis"), ("long", "time-micros"), ("long", "timestamp-millis"),
    ("long", "timestamp-micros"), ("long", "timestamp-nanos"), ("long", "local-timestamp-millis"),
    ("long", "local-timestamp-micros"), ("long", "local-timestamp-nanos"), ("string", "uuid"),
    ("bytes", "decimal"), ("fixed", "decimal"), ("fixed", "uuid"), ("fixed", "duration"),
]
PRIMITIVES = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]


class SchemaMaker:
    def __init__(self, index):
        self.named = []  # (name, definition) of named types defined so far
        self.count = 0
        self.index = index
        self.open = []  # records being defined: referred to only from a union with null (recursion)

    def name(self, kind):
        self.count += 1
        return f"{kind}{self.count}"

    def type(self, depth):
        roll = rng.random()
        if self.named and roll < 0.06:
            return rng.choice(self.named)[0]  # a reference by (short) name
        if roll < 0.40 or depth >= 3:
            return rng.choice(PRIMITIVES[1:])
        if roll < 0.55:
            return self.logical()
        if roll < 0.62:
            return self.define({"type": "enum", "name": self.name("E"),
                                "symbols": [f"S{k}" for k in range(rng.randint(1, 6))]})
        if roll < 0.67:
            return self.define({"type": "fixed", "name": self.name("F"), "size": rng.randint(0, 9)})
        if roll < 0.75:
            return {"type": "array", "items": self.type(depth + 1)}
        if roll < 0.82:
            return {"type": "map", "values": self.type(depth + 1)}
        if roll < 0.93:
            return self.union(depth)
        return self.record(depth + 1)

    def define(self, definition):
        self.named.append((definition["name"], definition))
        return definition

    def logical(self):
        base, kind = rng.choice(LOGICAL)
        if base == "fixed":
            size = {"uuid": 16, "duration": 12}.get(kind, rng.randint(1, 20))
            t = {"type": "fixed", "name": self.name("L"), "size": size, "logicalType": kind}
            if kind == "decimal":
                t["precision"] = rng.randint(1, int((8 * size - 1) * math.log10(2)))
                t["scale"] = rng.randint(0, t["precision"])
            return self.define(t)
        t = {"type": base, "logicalType": kind}
        if kind == "decimal":
            t["precision"] = rng.choice([1, 5, 18, 38, 60])
            t["scale"] = rng.randint(0, t["precision"])
        return t

    def union(self, depth):
        # Distinct kinds, so the branch a writer picks for a value is never in doubt.
        kinds = rng.sample(["string", "long", "boolean", "double", "bytes", "array", "map", "record", "enum"],
                           rng.randint(1, 3))
        branches = ["null"] if rng.random() < 0.8 else []
        if branches and self.open and rng.random() < 0.3:
            branches.append(rng.choice(self.open))  # a recursive type
            kinds = [k for k in kinds if k != "record"]
        for kind in kinds:
            if kind == "array":
                branches.append({"type": "array", "items": self.type(depth + 1)})
            elif kind == "map":
                branches.append({"type": "map", "values": self.type(depth + 1)})
            elif kind == "record":
                branches.append(self.record(depth + 1))
            elif kind == "enum":
                branches.append(self.define({"type": "enum", "name": self.name("U"), "symbols": ["A", "B"]}))
            else:
                branches.append(kind)
        return branches

    def record(self, depth, namespace=None):
        r = {"type": "record", "name": self.name("R"), "fields": []}
        if namespace:
            r["namespace"] = namespace
        self.open.append(r["name"])
        for k in range(rng.randint(0 if depth > 0 else 1, 8 if depth < 2 else 3)):
            r["fields"].append({"name": f"f{k}", "type": self.type(depth)})
        self.open.pop()
        return self.define(r)


def random_string():
    pool = ["a", "Z", " ", '"', "\\", "/", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "€", "\u2028", "😀", "\uffff"]
    return "".join(rng.choice(pool) if rng.random() < 0.3 else chr(rng.randint(0x20, 0x7e))
                   for _ in range(rng.randint(0, 12)))


def random_double():
    roll = rng.random()
    if roll < 0.05:
        return rng.choice([float("inf"), float("-inf"), float("nan"), -0.0, 0.0, 5e-324, 1.7976931348623157e308])
    if roll < 0.4:
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    return round(rng.uniform(-1e6, 1e6), rng.randint(0, 6))


def random_float():
    roll = rng.random()
    if roll < 0.05:
        return rng.choice([float("inf"), float("-inf"), float("nan"), -0.0, 1e-45])
    if roll < 0.4:
        return struct.unpack("<f", struct.pack("<I", rng.getrandbits(32)))[0]
    return struct.unpack("<f", struct.pack("<f", round(rng.uniform(-1e4, 1e4), rng.randint(0, 3))))[0]


def random_long(bits):
    roll = rng.random()
    if roll < 0.1:
        return rng.choice([0, -1, 1, 2 ** (bits - 1) - 1, -2 ** (bits - 1)])
    if roll < 0.5:
        return rng.randint(-2 ** (bits - 1), 2 ** (bits - 1) - 1)
    return rng.randint(-1000, 1000)


def unscaled_bytes(value, size=None):
    length = size or max(1, (value.bit_length() + 8) // 8)
    return value.to_bytes(length, "big", signed=True) if size or rng.random() < 0.9 else b""


class ValueMaker:
    def __init__(self, schema):
        self.named = {}
        self.collect(schema)

    def collect(self, t):
        if isinstance(t, dict):
            if t["type"] in ("record", "enum", "fixed"):
                self.named[t["name"]] = t
            for f in t.get("fields", []):
                self.collect(f["type"])
            for key in ("items", "values"):
                if key in t:
                    self.collect(t[key])
        elif isinstance(t, list):
            for b in t:
                self.collect(b)

    def value(self, t, depth=0):
        if isinstance(t, str) and t in self.named:
            t = self.named[t]
        if isinstance(t, list):
            branch = rng.choice(t) if depth < 4 else "null" if "null" in t else t[0]
            return self.value(branch, depth + 1)
        if isinstance(t, dict):
            kind, logical = t["type"], t.get("logicalType")
            if logical:
                return self.logical(t, kind, logical)
            if kind == "record":
                return {f["name"]: self.value(f["type"], depth + 1) for f in t["fields"]}
            if kind == "enum":
                return rng.choice(t["symbols"])
            if kind == "fixed":
                return rng.randbytes(t["size"])
            if kind == "array":
                return [self.value(t["items"], depth + 1) for _ in range(rng.randint(0, 4 if depth < 3 else 0))]
            if kind == "map":
                return {random_string() + str(k): self.value(t["values"], depth + 1)
                        for k in range(rng.randint(0, 3 if depth < 3 else 0))}
            return self.value(kind, depth)
        return {"null": lambda: None, "boolean": lambda: rng.random() < 0.5, "int": lambda: random_long(32),
                "long": lambda: random_long(64), "float": random_float, "double": random_double,
                "bytes": lambda: rng.randbytes(rng.randint(0, 10)), "string": random_string}[t]()

    def logical(self, t, kind, logical):
        if logical == "decimal":
            digits = rng.randint(1, t["precision"])
            value = rng.randint(-(10 ** digits - 1), 10 ** digits - 1)
            return unscaled_bytes(value, t["size"] if kind == "fixed" else None)
        if logical == "uuid":
            return rng.randbytes(16) if kind == "fixed" else str(uuid.UUID(int=rng.getrandbits(128)))
        if logical == "duration":
            return rng.randbytes(12)
        if logical == "date":
            return rng.randint(-719162, 2932896)
        if logical == "time-millis":
            return rng.randint(0, 86399999)
        if logical == "time-micros":
            return rng.randint(0, 86399999999)
        low, high = -62135596800, 253402300799  # 0001-01-01 .. 9999-12-31 in seconds
        per = {"millis": 10 ** 3, "micros": 10 ** 6, "nanos": 10 ** 9}[logical.rsplit("-", 1)[1]]
        if per == 10 ** 9:
            return random_long(64)  # every long is a valid nanosecond timestamp
        return rng.randint(low * per, (high + 1) * per - 1)


# ---- Holdout's JSON rules, applied to what fastavro returns ----

class Mismatch(Exception):
    pass


def iso(seconds, fraction, digits, zone):
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
            f"{moment.second:02d}.{fraction:0{digits}d}{zone}")


SEEN = Counter()  # values compared, by type


class Checker:
    def __init__(self, schema):
        self.named = {}
        self.collect = lambda t: ValueMaker.collect(self, t)
        self.collect(schema)

    def check(self, t, v, mine, where):
        if isinstance(t, str) and t in self.named:
            t = self.named[t]
        SEEN[t["logicalType"] if isinstance(t, dict) and "logicalType" in t else
             "union" if isinstance(t, list) else t["type"] if isinstance(t, dict) else t] += 1
        if isinstance(t, list):
            for branch in t:
                try:
                    return self.check(branch, v, mine, where)
                except Mismatch:
                    pass
            raise Mismatch(f"{where}: no branch of {json.dumps(t)[:80]} gives {mine!r} for {v!r}")
        if isinstance(t, dict):
            kind, logical = t["type"], t.get("logicalType")
            if logical and self.logical(t, kind, logical, v, mine, where):
                return
            if kind == "record":
                if not isinstance(mine, dict) or list(mine) != [f["name"] for f in t["fields"]]:
                    raise Mismatch(f"{where}: record keys {mine!r}")
                for f in t["fields"]:
                    self.check(f["type"], v[f["name"]], mine[f["name"]], f"{where}.{f['name']}")
                return
            if kind == "enum":
                return self.expect(mine == v, where, mine, v)
            if kind == "fixed":
                return self.expect(isinstance(v, bytes) and mine == v.decode("latin-1"), where, mine, v)
            if kind == "array":
                self.expect(isinstance(mine, list) and len(mine) == len(v), where, mine, v)
                for k, (a, b) in enumerate(zip(v, mine)):
                    self.check(t["items"], a, b, f"{where}[{k}]")
                return
            if kind == "map":
                self.expect(isinstance(mine, dict) and list(mine) == list(v), where, mine, v)
                for key in v:
                    self.check(t["values"], v[key], mine[key], f"{where}[{key!r}]")
                return
            t = kind
        if t == "null":
            return self.expect(v is None and mine is None, where, mine, v)
        if t == "boolean":
            return self.expect(isinstance(v, bool) and mine is v, where, mine, v)
        if t in ("int", "long"):
            return self.expect(isinstance(v, int) and not isinstance(v, bool) and isinstance(mine, Number)
                               and int(mine) == v, where, mine, v)
        if t in ("float", "double"):
            if not isinstance(v, float):
                raise Mismatch(f"{where}: {v!r} is not a float")
            if not math.isfinite(v):
                return self.expect(mine is None, where, mine, v)
            fmt = "<f" if t == "float" else "<d"
            return self.expect(isinstance(mine, Number) and struct.pack(fmt, float(mine)) == struct.pack(fmt, v),
                               where, mine, v)
        if t == "bytes":
            return self.expect(isinstance(v, bytes) and mine == v.decode("latin-1"), where, mine, v)
        if t == "string":
            return self.expect(isinstance(v, str) and mine == v, where, mine, v)
        raise Mismatch(f"{where}: unknown type {t!r}")

    def logical(self, t, kind, logical, v, mine, where):
        """True when the logical type was checked here (else the underlying type is)."""
        if logical == "decimal" and kind in ("bytes", "fixed"):
            self.expect(isinstance(mine, Number) and str(mine) == format(v, "f"), where, mine, v)
        elif logical == "uuid" and kind == "string":
            self.expect(mine == str(v), where, mine, v)
        elif logical == "uuid" and kind == "fixed":
            self.expect(mine == str(uuid.UUID(bytes=v)), where, mine, v)
        elif logical == "duration" and kind == "fixed":
            m, d, ms = struct.unpack("<III", v)
            self.expect(isinstance(mine, dict) and list(mine) == ["months", "days", "milliseconds"]
                        and [int(x) for x in mine.values()] == [m, d, ms], where, mine, v)
        elif logical == "date" and kind == "int":
            self.expect(mine == v.isoformat(), where, mine, v)
        elif logical in ("time-millis", "time-micros"):
            units = 1000 if logical == "time-millis" else 1
            total = ((v.hour * 60 + v.minute) * 60 + v.second) * 10 ** 6 + v.microsecond
            self.expect(isinstance(mine, Number) and int(mine) == total // units, where, mine, v)
        elif logical in ("timestamp-millis", "timestamp-micros", "local-timestamp-millis", "local-timestamp-micros"):
            digits = 3 if logical.endswith("millis") else 6
            zone = "" if logical.startswith("local") else "Z"
            fraction = v.microsecond // 1000 if digits == 3 else v.microsecond
            text = f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{fraction:0{digits}d}{zone}"
            self.expect(mine == text, where, mine, v)
        elif logical in ("timestamp-nanos", "local-timestamp-nanos"):
            seconds, fraction = divmod(v, 10 ** 9)  # fastavro returns the raw long
            self.expect(mine == iso(seconds, fraction, 9, "" if logical.startswith("local") else "Z"), where, mine, v)
        else:
            return False
        return True

    @staticmethod
    def expect(ok, where, mine, v):
        if not ok:
            raise Mismatch(f"{where}: Holdout wrote {mine!r}, fastavro read {v!r}")


class UnionTolerantWriter(avro.io.DatumWriter):
    """The Apache writer without its up-front check, which raises on the first union branch that
    does not match a record instead of trying the next; its writer picks branches itself."""

    def write(self, datum, encoder):
        self.write_data(self.writers_schema, datum, encoder)


class Number(str):
    """A JSON number's text, kept exact."""


def strip_logical(t):
    if isinstance(t, dict):
        return {k: strip_logical(v) for k, v in t.items() if k not in ("logicalType", "precision", "scale")}
    if isinstance(t, list):
        return [strip_logical(v) for v in t]
    return t


def long_bytes(n):
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def by_hand(path, schema, records, codec):
    """A container file with blocks of 0 to 30 records, empty blocks included."""
    parsed = fastavro.parse_schema(schema)
    encoded = []
    for r in records:
        b = io.BytesIO()
        fastavro.schemaless_writer(b, parsed, r)
        encoded.append(b.getvalue())
    sync = rng.randbytes(16)
    meta = [(b"avro.schema", json.dumps(schema).encode()), (b"avro.codec", codec.encode())]
    out = bytearray(b"Obj\x01") + long_bytes(len(meta))
    for key, value in meta:
        out += long_bytes(len(key)) + key + long_bytes(len(value)) + value
    out += long_bytes(0) + sync
    k = 0
    while k < len(encoded) or rng.random() < 0.3:
        n = 0 if rng.random() < 0.15 else rng.randint(1, 30)
        data = raw = b"".join(encoded[k:k + n])
        count = len(encoded[k:k + n])
        k += n
        if codec == "deflate":
            c = zlib.compressobj(wbits=-15)
            data = c.compress(data) + c.flush()
        elif codec == "snappy":
            data = bytes(cramjam.snappy.compress_raw(data)) + struct.pack(">I", zlib.crc32(raw))
        out += long_bytes(count) + long_bytes(len(data)) + data + sync
    open(path, "wb").write(bytes(out))


def main():
    started = time.time()
    files = []
    schemas = 0
    total_records = 0
    apache_refused = 0
    for s in range(72):
        maker = SchemaMaker(s)
        if s % 24 == 23:  # a top-level type that is not a record
            schema = maker.type(1) if rng.random() < 0.5 else {"type": "array", "items": "long"}
        else:
            schema = maker.record(0, namespace=f"diff.s{s}")
        schemas += 1
        values = ValueMaker(schema)
        count = rng.randint(1000, 3000)
        records = [values.value(schema) for _ in range(count)]
        codec = CODECS[s % len(CODECS)]
        writer = ["fastavro", "fastavro", "apache", "hand"][s % 4]
        path = f"{WORK}/s{s}.{writer}.{codec}.avro"
        if writer == "fastavro":
            with open(path, "wb") as f:
                fastavro.writer(f, fastavro.parse_schema(schema), records, codec=codec,
                                sync_interval=rng.choice([64, 500, 4000, 16000]))
        elif writer == "apache":
            raw = strip_logical(schema)
            try:
                with open(path, "wb") as f:
                    w = avro.datafile.DataFileWriter(f, UnionTolerantWriter(), avro.schema.parse(json.dumps(raw)),
                                                     codec=codec)
                    for r in records[:600]:
                        w.append(r)
                    w.close()
                records = records[:600]
            except avro.errors.AvroTypeException:
                # The Apache writer cannot pick the branch of some unions of records: fastavro
                # writes this schema instead.
                apache_refused += 1
                with open(path, "wb") as f:
                    fastavro.writer(f, fastavro.parse_schema(schema), records, codec=codec)
        else:
            by_hand(path, schema, records, codec)
        files.append(path)
        total_records += len(records)
    # Braze's published Currents schemas (the fixture's copies), each with every codec, written
    # by fastavro as Braze's own files are: the shapes `format: braze` reads, in every container.
    braze_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "fixtures", "braze-amplitude-winback", "schemas")
    braze_files = 0
    for name in sorted(os.listdir(braze_dir)):
        schema = json.load(open(os.path.join(braze_dir, name)))
        values = ValueMaker(schema)
        for codec in CODECS:
            records = [values.value(schema) for _ in range(400)]
            path = f"{WORK}/braze.{name[:-len('.avsc')]}.{codec}.avro"
            with open(path, "wb") as f:
                fastavro.writer(f, fastavro.parse_schema(schema), records, codec=codec, sync_interval=4000)
            files.append(path)
            total_records += len(records)
            braze_files += 1
    written = time.time()
    subprocess.run([DRIVER] + files, check=True)
    transcoded = time.time()
    compared = 0
    for path in files:
        with open(path, "rb") as f:
            reader = fastavro.reader(f)
            schema = reader.writer_schema
            expected = list(reader)
        lines = open(path + ".jsonl", encoding="utf-8").read().split("\n")
        if lines and lines[0].startswith("ERROR"):
            print(f"FAIL {path}: the driver refused it: {lines[0]}")
            sys.exit(1)
        lines = lines[:-1]
        if len(lines) != len(expected):
            print(f"FAIL {path}: {len(lines)} lines for {len(expected)} records")
            sys.exit(1)
        checker = Checker(schema)
        top_is_record = isinstance(schema, dict) and schema.get("type") == "record"
        for k, (line, value) in enumerate(zip(lines, expected)):
            mine = json.loads(line, parse_float=Number, parse_int=Number)
            try:
                if top_is_record:
                    checker.check(schema, value, mine, f"record {k + 1}")
                else:
                    Checker.expect(isinstance(mine, dict) and list(mine) == ["value"], f"record {k + 1}", mine, value)
                    checker.check(schema, value, mine["value"], f"record {k + 1}.value")
            except Mismatch as error:
                print(f"FAIL {path}: {error}\n  line: {line[:400]}")
                sys.exit(1)
            compared += 1
    sizes = sum(len(open(p, "rb").read()) for p in files)
    print(f"avro differential: {compared} records under {schemas} random schemas in {len(files)} files "
          f"({sizes} bytes; writers fastavro, apache (fastavro for {apache_refused} schemas it could not write), by hand; "
          f"codecs {','.join(CODECS)}; {braze_files} of them Braze Currents schemas × codecs) equal fastavro's; "
          f"write {written - started:.1f} s, transcode {transcoded - written:.2f} s, compare {time.time() - transcoded:.1f} s")
    print("values compared, by type: " + ", ".join(f"{k} {n}" for k, n in sorted(SEEN.items())))
    if compared < 100000:
        print(f"FAIL: only {compared} records compared (at least 100,000 are meant to be)")
        sys.exit(1)


main()
