#!/usr/bin/env bash
# Regenerates the committed fixtures of CompressionTests (run from anywhere; needs python3, gzip,
# pigz, zip). The outputs are deterministic except zip's timestamps, which the tests ignore.
set -euo pipefail
cd "$(dirname "$0")"
python3 generate.py
# Debian's gzip and pigz on the same text: names and comments in the header, several members.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp deflate/input.txt "$tmp/input.txt"
touch -d 2026-01-02T03:04:05Z "$tmp/input.txt"
gzip -9 -n -c deflate/input.txt > gzip/gnu-gzip-9.gz
gzip -1 -c "$tmp/input.txt" > gzip/gnu-gzip-1-name.gz
python3 -c 'import sys; sys.stdout.buffer.write((open("deflate/input.txt","rb").read()*40)[:300000])' > "$tmp/big.txt"
pigz -6 -n -c "$tmp/big.txt" > gzip/pigz-big.gz
pigz -11 -n -c deflate/input.txt > gzip/pigz-zopfli.gz
python3 -c 'import zlib,sys; sys.stdout.write("%08x\n" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$tmp/big.txt" > gzip/pigz-big.crc32
python3 generate_zip.py
# Info-ZIP: ZIP64 forced (-fz), streamed from stdin (data descriptors), encrypted, bzip2.
(cd "$tmp" && rm -f a.zip && zip -q -X -fz a.zip input.txt) && cp "$tmp/a.zip" zip/infozip-zip64.zip
(cd "$tmp" && zip -q -X - - < input.txt | cat > b.zip) && cp "$tmp/b.zip" zip/infozip-stdin.zip
(cd "$tmp" && rm -f c.zip && zip -q -X -P secret c.zip input.txt) && cp "$tmp/c.zip" zip/infozip-encrypted.zip
(cd "$tmp" && rm -f d.zip && zip -q -X -Z bzip2 d.zip input.txt) && cp "$tmp/d.zip" zip/infozip-bzip2.zip
