"""Writes the Avro fixtures of IngestTests/Avro*Tests.swift (run once; the files are committed).

Usage: .build/venv-avro/bin/python Tests/IngestTests/Fixtures/avro/make_fixtures.py
(the venv of .ci/avro: fastavro, avro, cramjam, python-snappy at pinned versions).

- all-types.<codec>.fastavro.avro / .apache.avro: every type and logical type, three records,
  written by fastavro and by the Apache reference implementation (PyPI `avro`), codecs null,
  deflate and snappy. The Apache writer knows fewer logical types; it writes the others as their
  underlying type, with the same annotations in the schema, so both files read the same.
- recursive.avro: a tree of records that holds a list of itself and an optional self reference.
- blocks.avro: 300 records in many blocks of 1 to 40 records, with empty blocks (count 0) at
  the start, in the middle and at the end (written block by block here).
- top-level-long.avro: a file whose top-level type is not a record.
- header-only.avro: a header and no block (a valid empty file).
- bzip2.avro: codec bzip2, which Holdout refuses by name.
- braze/<event>.avro: synthetic events under the schemas of Braze Currents' sample files
  (braze/<event>.avsc: names, namespaces, types and defaults as in the headers of
  Appboy/currents-examples, with Braze's `doc` and `owner` texts replaced by neutral ones of the
  same shape, since that repository's licence forbids redistribution; taken from the headers of Appboy/currents-examples
  sample-data/Avro/<event>.avro; the samples themselves may not be redistributed), with no
  avro.codec entry, as Braze writes them.
"""
import datetime
import decimal
import io
import json
import os
import uuid

import avro.datafile
import avro.io
import avro.schema
import fastavro

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = datetime.timezone.utc

ALL_TYPES = {
    "type": "record", "name": "AllTypes", "namespace": "holdout.test",
    "fields": [
        {"name": "n", "type": "null"},
        {"name": "flag", "type": "boolean"},
        {"name": "i", "type": "int"},
        {"name": "l", "type": "long"},
        {"name": "f", "type": "float"},
        {"name": "d", "type": "double"},
        {"name": "b", "type": "bytes"},
        {"name": "s", "type": "string"},
        {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "four", "type": {"type": "fixed", "name": "Four", "size": 4}},
        {"name": "ints", "type": {"type": "array", "items": "int"}},
        {"name": "tags", "type": {"type": "map", "values": "string"}},
        {"name": "maybe", "type": ["null", "string"]},
        {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
            {"name": "a", "type": "int"}, {"name": "words", "type": {"type": "array", "items": "string"}}]}},
        {"name": "choice", "type": ["null", "long", "Inner", "holdout.test.Color"]},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 40, "scale": 3}},
        {"name": "cents", "type": {"type": "fixed", "name": "Cents", "size": 8, "logicalType": "decimal",
                                   "precision": 18, "scale": 2}},
        {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tmillis", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "tmicros", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "tsmillis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "tsmicros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "tsnanos", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
        {"name": "localmillis", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "localmicros", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
        {"name": "localnanos", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
        {"name": "uidfixed", "type": {"type": "fixed", "name": "U16", "size": 16, "logicalType": "uuid"}},
        {"name": "span", "type": {"type": "fixed", "name": "Span", "size": 12, "logicalType": "duration"}},
        {"name": "unknown", "type": {"type": "string", "logicalType": "color-name"}},
        {"name": "baddate", "type": {"type": "string", "logicalType": "date"}},
    ],
}


def all_types_records():
    """Three records: raw values for the writers (logical values as their underlying type)."""
    def dec(unscaled, size=None):
        length = size or max(1, (unscaled.bit_length() + 8) // 8)
        return unscaled.to_bytes(length, "big", signed=True)
    return [
        {"n": None, "flag": True, "i": -123, "l": 9007199254740993, "f": 3.14, "d": 0.1,
         "b": b"\x00\x01\"\\\x7f\x80\xff", "s": "h\u00e9llo \"w\"\n\u2603\U0001F600",
         "color": "GREEN", "four": b"ab\x00\xfe", "ints": [1, -2, 3], "tags": {"k": "v", "z": "\t"},
         "maybe": None, "inner": {"a": 7, "words": ["x", "y"]}, "choice": {"a": 1, "words": []},
         "price": dec(-12340), "cents": dec(123456, 8), "uid": "f47ac10b-58cc-4372-a567-0e02b2c3d479",
         "day": 19723, "tmillis": 45296789, "tmicros": 45296789012, "tsmillis": 1704067200123,
         "tsmicros": 1704067200123456, "tsnanos": 1704067200123456789, "localmillis": -1,
         "localmicros": 0, "localnanos": -1500000000, "uidfixed": bytes(range(16)),
         "span": (1).to_bytes(4, "little") + (2).to_bytes(4, "little") + (3000).to_bytes(4, "little"),
         "unknown": "teal", "baddate": "2024-01-01"},
        {"n": None, "flag": False, "i": 2147483647, "l": -9223372036854775808, "f": float("inf"),
         "d": -1.5e-300, "b": b"", "s": "", "color": "RED", "four": b"\xff\xff\xff\xff", "ints": [],
         "tags": {}, "maybe": "x", "inner": {"a": -2147483648, "words": []}, "choice": 42,
         "price": dec(123456789012345678901234567890123456789), "cents": dec(-1, 8),
         "uid": "00000000-0000-0000-0000-000000000000", "day": -719162, "tmillis": 0, "tmicros": 86399999999,
         "tsmillis": -62135596800000, "tsmicros": 253402300799999999, "tsnanos": -1,
         "localmillis": 951782400000, "localmicros": -1, "localnanos": 0, "uidfixed": b"\xff" * 16,
         "span": b"\xff" * 12, "unknown": "", "baddate": ""},
        {"n": None, "flag": True, "i": 0, "l": 0, "f": float("nan"), "d": 1e16, "b": b"abc", "s": "\u0000",
         "color": "BLUE", "four": b"    ", "ints": [0], "tags": {"a": "1"}, "maybe": "", "inner": {"a": 0, "words": [""]},
         "choice": "BLUE", "price": dec(5), "cents": dec(0, 8), "uid": "a47ac10b-58cc-4372-a567-0e02b2c3d479", "day": 0, "tmillis": 1, "tmicros": 1,
         "tsmillis": 0, "tsmicros": -1, "tsnanos": 0, "localmillis": 0, "localmicros": 0, "localnanos": 1,
         "uidfixed": b"\x00" * 16, "span": b"\x00" * 12, "unknown": "x", "baddate": "y"},
    ]


def raw_schema(schema):
    """The schema with every logicalType removed, so writers take raw values."""
    if isinstance(schema, dict):
        return {k: raw_schema(v) for k, v in schema.items() if k != "logicalType"}
    if isinstance(schema, list):
        return [raw_schema(v) for v in schema]
    return schema


def write_fastavro(path, schema, records, codec, **kw):
    parsed = fastavro.parse_schema(schema)
    with open(path, "wb") as out:
        fastavro.writer(out, parsed, records, codec=codec, **kw)


def write_apache(path, schema, records, codec):
    parsed = avro.schema.parse(json.dumps(schema))
    with open(path, "wb") as out:
        writer = avro.datafile.DataFileWriter(out, avro.io.DatumWriter(), parsed, codec=codec)
        for record in records:
            writer.append(record)
        writer.close()


def encode(schema, record):
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(schema), record)
    return buffer.getvalue()


def long_bytes(n):
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def container(schema_text: bytes, blocks, sync=b"0123456789abcdef", codec=None):
    """An object container file written by hand: exact header bytes, blocks given as lists of
    encoded records (so empty blocks can be written)."""
    meta = [(b"avro.schema", schema_text)] + ([(b"avro.codec", codec)] if codec else [])
    out = bytearray(b"Obj\x01") + long_bytes(len(meta))
    for key, value in meta:
        out += long_bytes(len(key)) + key + long_bytes(len(value)) + value
    out += long_bytes(0) + sync
    for records in blocks:
        data = b"".join(records)
        out += long_bytes(len(records)) + long_bytes(len(data)) + data + sync
    return bytes(out)


def main():
    records = all_types_records()
    for codec in ("null", "deflate", "snappy"):
        write_fastavro(f"{HERE}/all-types.{codec}.fastavro.avro", ALL_TYPES, records, codec)
    # The Apache writer takes Python values for the logical types it knows (read back by
    # fastavro) and raw values for the others.
    with open(f"{HERE}/all-types.null.fastavro.avro", "rb") as f:
        values = list(fastavro.reader(f))
    for value, record in zip(values, records):
        for name in ("tsnanos", "localmillis", "localmicros", "localnanos", "uidfixed", "span"):
            value[name] = record[name]
        value["uid"] = str(value["uid"])
    for codec in ("null", "deflate", "snappy"):
        write_apache(f"{HERE}/all-types.{codec}.apache.avro", ALL_TYPES, values, codec)

    tree = {"type": "record", "name": "Tree", "fields": [
        {"name": "value", "type": "int"},
        {"name": "children", "type": {"type": "array", "items": "Tree"}},
        {"name": "next", "type": ["null", "Tree"], "default": None}]}
    leaf = lambda v: {"value": v, "children": [], "next": None}
    write_fastavro(f"{HERE}/recursive.avro", tree, [
        {"value": 1, "children": [leaf(2), {"value": 3, "children": [leaf(4)], "next": leaf(5)}], "next": None},
        leaf(6)], "null")

    event = {"type": "record", "name": "Event", "fields": [{"name": "seq", "type": "long"},
                                                          {"name": "name", "type": ["null", "string"]}]}
    encoded = [encode(event, {"seq": k, "name": None if k % 3 == 0 else f"e{k}"}) for k in range(300)]
    blocks, k, size = [[]], 0, 1
    while k < len(encoded):
        blocks.append(encoded[k:k + size])
        if len(blocks) == 6:
            blocks += [[], []]
        k += size
        size = size % 23 + 1
    blocks.append([])
    open(f"{HERE}/blocks.avro", "wb").write(container(json.dumps(event).encode(), blocks))

    write_fastavro(f"{HERE}/top-level-long.avro", "long", [1, -2, 3], "null")
    open(f"{HERE}/header-only.avro", "wb").write(container(json.dumps(event).encode(), []))
    write_fastavro(f"{HERE}/bzip2.avro", event, [{"seq": 1, "name": "x"}], "bzip2")

    braze_time = 1718000000
    for name in sorted(os.listdir(f"{HERE}/braze")):
        if not name.endswith(".avsc"):
            continue
        text = open(f"{HERE}/braze/{name}", "rb").read()
        schema = json.loads(text)
        rows = []
        for k in range(3):
            row = {}
            for field in schema["fields"]:
                t, fname = field["type"], field["name"]
                base = [x for x in t if x != "null"][0] if isinstance(t, list) else t
                if isinstance(t, list) and k == 2 and fname not in ("external_user_id",):
                    row[fname] = None
                elif fname == "time":
                    row[fname] = braze_time + 3600 * k
                elif base == "string":
                    row[fname] = {"id": f"evt-{name[:-5]}-{k}", "user_id": f"braze-{k}",
                                  "external_user_id": f"user-{k}", "email_address": f"user{k}@example.com",
                                  "currency": "USD", "properties": '{"plan": "pro"}'}.get(fname, f"{fname}-{k}")
                elif base == "boolean":
                    row[fname] = k != 1
                elif base in ("int", "long"):
                    row[fname] = k + 1
                elif base in ("float", "double"):
                    row[fname] = [19.99, 0.5, 120.0][k]
                else:
                    raise SystemExit(f"{name}: field {fname} of type {t} has no synthetic value")
            rows.append(encode(schema, row))
        open(f"{HERE}/braze/{name[:-5]}.avro", "wb").write(
            container(text, [rows], sync=bytes(range(16))))


main()
