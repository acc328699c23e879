#!/usr/bin/env python3
"""Fault tests of `holdout serve` (issue 28): kill -9 under load, and a full disk. Python
standard library only; run as root for the tmpfs (`.ci/collector-faults` wraps it).

1. kill -9 under load. The server runs on a data folder on the real disk. CLIENTS threads send
   signed Customer.io reporting webhooks (fixture bodies, each with a unique event_id) on
   keep-alive connections, never retrying: each event is sent once and its outcome written to
   a ledger (the status, or "error" when the connection failed before a status came). After a
   random 0.5-2 s the server is killed with SIGKILL and restarted on the same folder and port
   (its first stderr line counts the files it repaired and the torn bytes it moved to
   `<endpoint>/_torn/`); KILLS times; then SIGTERM (exit 0). After the second kill the test also
   appends half a line to a file the killed run left open, as a write torn by a power cut would
   leave it, so the repair path runs even when no kill happened to land inside a write.
   Proved: every event that got a 2xx is stored exactly once; no event is stored twice; no
   event that got a 4xx/5xx is stored; nothing is stored that was not sent; every line of every
   .jsonl file is one complete JSON object; no .tmp file is left; the torn bytes are under
   _torn/ only, add up to what the restarts reported, and belong to no acknowledged event;
   `holdout report` over the folder reads every line, none rejected or duplicate.
2. Disk full. A 4 MiB tmpfs is mounted as the data folder (SKIPPED, loudly, when mount fails:
   not root, no tmpfs; --require-tmpfs makes that a failure), most of it taken by a filler file.
   Clients send until the answers turn 503, go on sending for a while, then the filler is
   deleted and they send more. Proved: every 2xx event stored exactly once, no 503'd event
   stored, no partial line, the server stayed up (/healthz) and answers 2xx again after the
   space is freed, its 503 count equals the ledger's, and SIGTERM exits 0.

Prints `ok`/`FAIL` lines, two Markdown tables (the numbers docs/reliability.md quotes) and a
summary line; exits 1 on any failure.
Usage: python3 .ci/collector-faults.py BINARY [--kills N] [--clients N] [--seed N] [--require-tmpfs]
"""
import argparse, gzip, hashlib, hmac, http.client, json, os, random, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("--kills", type=int, default=6)
parser.add_argument("--clients", type=int, default=16)
parser.add_argument("--seed", type=int, default=None)
parser.add_argument("--require-tmpfs", action="store_true", help="fail (instead of SKIPPED) when the tmpfs cannot be mounted")
parser.add_argument("--keep", action="store_true", help="keep the work folder")
args = parser.parse_args()
BINARY = os.path.abspath(args.binary)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
seed = args.seed if args.seed is not None else int(time.time())
rng = random.Random(seed)
problems = []
SECRET = "cio-fault-secret-" + hashlib.sha256(str(seed).encode()).hexdigest()[:16]


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        problems.append(what)
    return ok


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# Fixture bodies: JSON objects with a numeric timestamp (the fixture also holds a line that is not
# JSON and one whose timestamp is "soon", which the report rejects: not what is tested here).
BODIES = []
with gzip.open(os.path.join(ROOT, "fixtures/cart-recovery/messages.jsonl.gz"), "rb") as f:
    for line in f:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("timestamp"), int):
            BODIES.append(record)


def signed(event_id, index):
    record = dict(BODIES[index % len(BODIES)])
    record["event_id"] = event_id
    body = json.dumps(record, separators=(",", ":")).encode()
    ts = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return body, {"X-CIO-Timestamp": ts, "X-CIO-Signature": signature, "Content-Type": "application/json"}


class Server:
    """One `holdout serve` on a data folder and port, restartable; every start's stderr in its own log."""

    def __init__(self, name, data, work, port):
        self.name, self.data, self.work, self.port = name, data, work, port
        self.proc = None
        self.starts = 0
        secrets = os.path.join(work, "secrets.json")
        with open(secrets, "w") as f:
            json.dump({"customerio": SECRET}, f)
        os.chmod(secrets, 0o600)
        self.secrets = secrets

    def start(self):
        self.starts += 1
        self.log = os.path.join(self.work, f"serve-{self.name}-{self.starts}.log")
        self.proc = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{self.port}", "--data", self.data,
                                      "--secrets", self.secrets], stderr=open(self.log, "w"))
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"holdout serve exited {self.proc.returncode}: {open(self.log).read()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self.recovery()
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("holdout serve did not answer /healthz within 20 s")

    def recovery(self):
        """The start line: `recovered N file(s) …[, removed M empty one(s)]; T torn line(s), B byte(s), kept under _torn/`."""
        first = open(self.log).readline()
        m = re.search(r"recovered (\d+) file\(s\).*?(?:removed (\d+) empty one\(s\))?; (\d+) torn line\(s\), (\d+) byte\(s\)", first)
        if not m:
            raise RuntimeError(f"unexpected first line: {first!r}")
        return {"files": int(m.group(1)), "empty": int(m.group(2) or 0), "torn_lines": int(m.group(3)), "torn_bytes": int(m.group(4))}

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def term(self, timeout=40):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "timeout"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body


class Clients:
    """Threads that each send signed webhooks with unique event ids, once each, on a kept-alive
    connection; a failed connection is counted and replaced, the event is never re-sent."""

    def __init__(self, port, count, prefix):
        self.port, self.count, self.prefix = port, count, prefix
        self.stop = threading.Event()
        self.phase = 0  # stamped on each event when it is sent
        self.ledgers = [[] for _ in range(count)]  # (event_id, phase, outcome)
        self.notes = {}  # event_id → the status and body start of a non-200, or the exception's name
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(count)]

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def run(self, index):
        ledger = self.ledgers[index]
        conn = None
        sequence = 0
        while not self.stop.is_set():
            sequence += 1
            event_id = f"{self.prefix}-{index:02d}-{sequence:07d}"
            body, headers = signed(event_id, index * 7919 + sequence)
            phase = self.phase
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("POST", "/v1/customerio", body, headers)
                response = conn.getresponse()
                text = response.read()
                outcome = response.status
                if outcome != 200:
                    self.notes[event_id] = f"{outcome} {text[:60]!r}"
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as error:
                outcome = "error"
                self.notes[event_id] = type(error).__name__
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.005)  # the server is down: do not spin
            ledger.append((event_id, phase, outcome))
        if conn is not None:
            conn.close()

    def entries(self):
        return [entry for ledger in self.ledgers for entry in ledger]

    def save(self, path):
        """The ledger as TSV (event_id, run or phase, outcome, note), kept with --keep or a failure."""
        with open(path, "w") as f:
            for event_id, phase, outcome in self.entries():
                f.write(f"{event_id}\t{phase}\t{outcome}\t{self.notes.get(event_id, '')}\n")

    def kinds(self, phase):
        """The non-2xx outcomes of one phase, counted by kind (`503 b'too many…'`, `ConnectionRefusedError`)."""
        seen = {}
        for event_id, p, outcome in self.entries():
            if p == phase and outcome != 200:
                key = self.notes.get(event_id, str(outcome))
                seen[key] = seen.get(key, 0) + 1
        return seen


def scan(data):
    """Every stored line under data: (event id → count, lines that are not one whole JSON object,
    .tmp files, _torn files, unexpected files)."""
    counts, bad, tmp, torn, other = {}, [], [], [], []
    for folder, dirs, files in os.walk(data):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, data)
            if name == ".holdout-serve.lock" and folder == data:
                continue
            if "/_torn/" in "/" + rel:
                torn.append(path)
                continue
            if name.endswith(".tmp"):
                tmp.append(rel)
                continue
            if not (name.endswith(".jsonl") and re.search(r"/date=\d{4}-\d\d-\d\d-\d\d/part-\d{16}-\d+(_\d{4})?\.jsonl$", "/" + rel)):
                other.append(rel)
                continue
            with open(path, "rb") as f:
                for number, line in enumerate(f, 1):
                    try:
                        record = json.loads(line) if line.endswith(b"\n") else None
                    except ValueError:
                        record = None
                    if not isinstance(record, dict) or "holdout_received_at" not in record or "event_id" not in record:
                        bad.append(f"{rel}:{number}: {line[:80]!r}")
                        continue
                    counts[record["event_id"]] = counts.get(record["event_id"], 0) + 1
    return counts, bad, tmp, torn, other


def prove_ledger(entries, counts, label):
    """The checks shared by both tests; returns the number of events stored without a 2xx."""
    outcome = {}
    for event_id, _, result in entries:
        outcome[event_id] = result
    acknowledged = [e for e, r in outcome.items() if isinstance(r, int) and 200 <= r < 300]
    missing = [e for e in acknowledged if counts.get(e, 0) == 0]
    twice = [e for e, n in counts.items() if n > 1]
    refused_stored = [e for e, r in outcome.items() if isinstance(r, int) and r >= 300 and counts.get(e, 0)]
    phantom = [e for e in counts if e not in outcome]
    check(not missing, f"{label}: every one of the {len(acknowledged):,} events that got a 2xx is stored ({len(missing)} missing: {missing[:3]})")
    check(not twice, f"{label}: no event is stored twice ({len(twice)}: {twice[:3]})")
    check(not refused_stored, f"{label}: no event answered 4xx/5xx is stored ({len(refused_stored)}: {refused_stored[:3]})")
    check(not phantom, f"{label}: nothing stored that was not sent ({len(phantom)}: {phantom[:3]})")
    return sum(1 for e, r in outcome.items() if r == "error" and counts.get(e, 0))


def report_reads_everything(data, stored, work, label):
    """`holdout report` on a copy of the cart-recovery experiment whose messages are the collected
    folder: every stored line is read as a row, none rejected, none duplicate."""
    copy = os.path.join(work, "experiment-" + label)
    shutil.copytree(os.path.join(ROOT, "fixtures", "cart-recovery"), copy)
    experiment = json.load(open(os.path.join(copy, "experiment.json")))
    experiment["inputs"]["messages"] = {"path": os.path.join(data, "customerio"), "format": "customerio"}
    json.dump(experiment, open(os.path.join(copy, "experiment.json"), "w"))
    out = os.path.join(work, "report-" + label)
    run = subprocess.run([BINARY, "report", os.path.join(copy, "experiment.json"), "--out", out, "--format", "json", "--quiet"],
                         capture_output=True, text=True)
    if not check(run.returncode == 0, f"{label}: holdout report over the collected folder exits 0" + ("" if run.returncode == 0 else f": {run.stderr[-300:]}")):
        return
    report = json.load(open(os.path.join(out, "report.json")))
    files = [f for f in report["data"]["files"] if f["input"] == "messages"]
    rows = sum(f["rows"] for f in files)
    rejected = sum(f["fates"]["rejected"] for f in files)
    duplicate = sum(f["fates"]["duplicate"] for f in files)
    balanced = all(f["balanced"] for f in files)
    check(rows == stored and rejected == 0 and duplicate == 0 and balanced,
          f"{label}: holdout report reads the {len(files)} file(s): {rows:,} rows for {stored:,} stored lines, "
          f"{rejected} rejected, {duplicate} duplicate, balanced: {balanced}")


work = tempfile.mkdtemp(prefix="holdout-faults-")
print(f"collector faults: seed {seed} (--seed {seed} repeats the kill times), {len(BODIES):,} fixture bodies, work folder {work}", flush=True)
tables = []
servers = []


def main():
    # ---- 1. kill -9 under load
    data = os.path.join(work, "data")
    server = Server("kill", data, work, free_port())
    servers.append(server)
    recoveries = [server.start()]
    clients = Clients(server.port, args.clients, "k")
    clients.start()
    simulated = b'{"holdout_received_at":"2026-12-07T17:00:00.000000Z","event_id":"simulated-torn","object_type":"em'
    started = time.time()
    for kill in range(1, args.kills + 1):
        time.sleep(rng.uniform(0.5, 2.0))
        server.kill9()
        clients.phase = kill  # events sent from now on belong to the next run
        if kill == 2:
            open_files = sorted(os.path.join(d, n) for d, _, ns in os.walk(data) for n in ns if n.endswith(".jsonl.tmp") and "_torn" not in d)
            if check(bool(open_files), f"kill {kill}: the killed run left {len(open_files)} .jsonl.tmp file(s) open"):
                with open(open_files[-1], "ab") as f:
                    f.write(simulated)
        recoveries.append(server.start())
    time.sleep(rng.uniform(0.5, 2.0))
    code = server.term()
    clients.join()
    elapsed = time.time() - started
    check(code == 0, f"SIGTERM after {args.kills} kills: exit {code}")
    check(not any(t.is_alive() for t in clients.threads), "every client thread ended")
    entries = clients.entries()
    clients.save(os.path.join(work, "ledger-kill.tsv"))
    for run in range(args.kills + 1):
        print(f"     run {run + 1}: not 2xx: {clients.kinds(run)}")
    counts, bad, tmp, torn, other = scan(data)
    stored = sum(counts.values())
    check(not bad, f"every line of every .jsonl file is one whole JSON object with its receipt time ({len(bad)} not: {bad[:2]})")
    check(not tmp, f"no .tmp file left ({tmp[:3]})")
    check(not other, f"no other file in the data folder ({other[:3]})")
    unacked_stored = prove_ledger(entries, counts, "kill -9")
    torn_reported = sum(r["torn_bytes"] for r in recoveries)
    torn_lines = sum(r["torn_lines"] for r in recoveries)
    torn_bytes = b"".join(open(p, "rb").read() for p in torn)
    outcome = {e: r for e, _, r in entries}
    torn_ids = re.findall(rb'"event_id":"([^"]+)"', torn_bytes)
    acked_torn = [i for i in torn_ids if isinstance(outcome.get(i.decode()), int) and 200 <= outcome[i.decode()] < 300]
    check(len(torn_bytes) == torn_reported and len(torn) == torn_lines and all(p.endswith(".partial") for p in torn)
          and b"\n" not in torn_bytes,
          f"the torn tails are under _torn/ only: {len(torn)} .partial file(s), {len(torn_bytes):,} bytes, none with a line end; "
          f"the restarts reported {torn_lines} torn line(s), {torn_reported:,} bytes")
    check(simulated in torn_bytes and counts.get("simulated-torn", 0) == 0,
          "the half line appended after kill 2 was moved to _torn/ on restart and is in no .jsonl file")
    check(not acked_torn, f"no torn tail belongs to an event that got a 2xx ({acked_torn[:3]})")
    report_reads_everything(data, stored, work, "kill")
    # The table: one row per run of the server.
    rows = []
    for run in range(args.kills + 1):
        mine = [(e, r) for e, p, r in entries if p == run]
        ok = sum(1 for _, r in mine if isinstance(r, int) and 200 <= r < 300)
        errors = sum(1 for _, r in mine if r == "error")
        other_status = len(mine) - ok - errors
        kept = sum(1 for e, _ in mine if counts.get(e, 0))
        ended = "SIGTERM" if run == args.kills else "kill -9"
        after = recoveries[run + 1] if run < args.kills else None
        rows.append((run + 1, ended, len(mine), ok, errors, other_status, kept, kept - ok,
                     f"{after['files']} / {after['torn_lines']} / {after['torn_bytes']:,}" if after else "—"))
    table = ["| run | ended by | requests sent | 2xx | connection errors | other statuses | stored | stored without a 2xx | next start: files repaired / torn lines / torn bytes |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        table.append("| " + " | ".join(f"{v:,}" if isinstance(v, int) else str(v) for v in row) + " |")
    total_ok = sum(r[3] for r in rows)
    table.append(f"| all | {args.kills} kills in {elapsed:.1f} s | {len(entries):,} | {total_ok:,} | {sum(r[4] for r in rows):,} | "
                 f"{sum(r[5] for r in rows):,} | {stored:,} | {unacked_stored:,} | {sum(r['files'] for r in recoveries[1:])} / {torn_lines} / {torn_reported:,} |")
    tables.append(("kill -9 under load", table))

    # ---- 2. the disk fills up
    mount_point = os.path.join(work, "tmpfs")
    os.makedirs(mount_point)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount_point], capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"SKIPPED the disk-full test: cannot mount a tmpfs ({mounted.stderr.strip() or 'exit ' + str(mounted.returncode)}); it needs root", flush=True)
        if args.require_tmpfs:
            problems.append("the disk-full test could not mount its tmpfs (--require-tmpfs)")
        return
    try:
        disk_full(mount_point)
        restart_when_full(mount_point)
    finally:
        for s in servers:
            if s.alive():
                s.proc.kill()
                s.proc.wait()
        subprocess.run(["umount", mount_point], check=False)


def disk_full(mount_point):
    filler = os.path.join(mount_point, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * (3 << 20))  # 3 MiB of the 4: room for about 2,000 stored events
    data = os.path.join(mount_point, "data")
    server = Server("diskfull", data, work, free_port())
    servers.append(server)
    server.start()
    clients = Clients(server.port, 4, "d")
    clients.start()
    # Phase 0 until the first 503; phase 1 for 2 s of a full disk; phase 2 after the filler is gone.
    deadline = time.time() + 60
    while time.time() < deadline and not any(r == 503 for ledger in clients.ledgers for _, _, r in ledger[-50:]):
        time.sleep(0.02)
    first_503 = time.time()
    clients.phase = 1
    time.sleep(2.0)
    alive_full = server.alive() and server.get("/healthz")[0] == 200
    clients.phase = 2
    os.unlink(filler)
    freed = time.time()
    # Send until 200 events were acknowledged after the space was freed (at most 20 s).
    while time.time() < freed + 20:
        after = [r for ledger in clients.ledgers for _, p, r in ledger if p == 2]
        if sum(1 for r in after if r == 200) >= 200:
            break
        time.sleep(0.05)
    clients.stop.set()
    for t in clients.threads:
        t.join(timeout=60)
    status, metrics = server.get("/metrics")
    metrics = metrics.decode()
    m503 = re.search(r'holdout_requests_total\{endpoint="customerio",status="503"\} (\d+)', metrics)
    code = server.term()
    entries = clients.entries()
    clients.save(os.path.join(work, "ledger-diskfull.tsv"))
    for phase in (0, 1, 2):
        print(f"     phase {phase}: not 2xx: {clients.kinds(phase)}")
    counts, bad, tmp, torn, other = scan(data)
    stored = sum(counts.values())
    by_phase = {p: [r for _, q, r in entries if q == p] for p in (0, 1, 2)}
    n503 = sum(1 for r in (r for _, _, r in entries) if r == 503)
    check(n503 > 0, f"disk full: the answers turned 503 ({n503:,} of them)")
    check(alive_full, "disk full: the server stayed up and answered /healthz 200 with the disk full")
    after_ok = sum(1 for r in by_phase[2] if r == 200)
    last = [r for ledger in clients.ledgers for _, p, r in ledger[-5:] if p == 2]
    check(after_ok >= 200 and all(r == 200 for r in last),
          f"disk full: after the filler was deleted the server answered 2xx again ({after_ok:,} 2xx; the last {len(last)} answers all 200: {all(r == 200 for r in last)})")
    check(m503 is not None and int(m503.group(1)) == n503, f"disk full: /metrics counts {m503.group(1) if m503 else 'no'} 503s, the clients {n503:,}")
    check(code == 0, f"disk full: SIGTERM after the space was freed: exit {code}")
    check(not bad, f"disk full: every stored line is one whole JSON object ({len(bad)} not: {bad[:2]})")
    check(not tmp and not torn and not other, f"disk full: no .tmp, _torn or other file left ({tmp[:2]} {torn[:2]} {other[:2]})")
    errors = sum(1 for _, _, r in entries if r == "error")
    check(errors == 0, f"disk full: no connection failed ({errors})")
    prove_ledger(entries, counts, "disk full")
    logged = sum(1 for line in open(server.log) if "answered 503" in line)
    print(f"note the server wrote {logged:,} lines to standard error for the {n503:,} 503s (one per refused request)", flush=True)
    report_reads_everything(data, stored, work, "diskfull")
    table = ["| phase | requests | 2xx | 503 | other | stored |", "|---|---:|---:|---:|---:|---:|"]
    names = {0: "filling the 4 MiB tmpfs (3 MiB taken by a filler file)", 1: "full, 2 s more", 2: "filler deleted"}
    for p in (0, 1, 2):
        rs = by_phase[p]
        ids = [e for e, q, _ in entries if q == p]
        table.append(f"| {names[p]} | {len(rs):,} | {sum(1 for r in rs if r == 200):,} | {sum(1 for r in rs if r == 503):,} | "
                     f"{sum(1 for r in rs if r not in (200, 503)):,} | {sum(1 for e in ids if counts.get(e, 0)):,} |")
    table.append(f"| all ({freed - first_503:.1f} s from the first 503 to freeing) | {len(entries):,} | {sum(1 for _, _, r in entries if r == 200):,} | "
                 f"{n503:,} | {sum(1 for _, _, r in entries if r not in (200, 503)):,} | {stored:,} |")
    tables.append(("disk full", table))


def restart_when_full(mount_point):
    """A server killed with a torn last line, restarted while the disk is full: it must start
    (requests get 503, not a refused connection), leave the torn file as .tmp (unread), and
    repair it at the first start after space is freed."""
    data = os.path.join(mount_point, "data-restart")
    hour = os.path.join(data, "customerio", "date=2026-01-01-00")
    os.makedirs(hour)
    whole = json.dumps({"event_id": "r-whole", "object_type": "email", "metric": "sent", "timestamp": 1789949259,
                        "data": {"customer_id": "c1"}}).encode() + b"\n"
    torn = b'{"event_id":"r-torn","object_'
    planted = os.path.join(hour, "part-planted.jsonl.tmp")
    with open(planted, "wb") as f:
        f.write(whole + torn)
    filler = os.path.join(mount_point, "filler-restart")
    # Unbuffered, so the write that finds the disk full is the one that fails (a buffered file
    # would raise again when closed).
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    server = Server("restart-full", data, work, free_port())
    servers.append(server)
    try:
        server.start()
        started = True
    except RuntimeError as error:
        started = False
        print(f"     {error}", flush=True)
    first = open(server.log).readline()
    check(started, "restart on a full disk with a torn file left by a kill: the server starts and answers /healthz")
    if not started:
        return
    check("left as .tmp" in first, f"restart on a full disk: the start line says the torn file waits for space ({first.strip()!r})")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body, headers = signed("r-new", 0)
    conn.request("POST", "/v1/customerio", body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    check(status == 503, f"restart on a full disk: a webhook is answered 503 ({status})")
    check(server.term() == 0, "restart on a full disk: SIGTERM exits 0")
    check(os.path.exists(planted), "restart on a full disk: the torn file stays .tmp (reports skip it)")
    os.unlink(filler)
    recovery = server.start()
    check(recovery["files"] == 1 and recovery["torn_lines"] == 1 and recovery["torn_bytes"] == len(torn),
          f"after freeing space the next start repairs it: {recovery}")
    check(server.term() == 0, "after the repair: SIGTERM exits 0")
    closed = os.path.join(hour, "part-planted.jsonl")
    check(os.path.exists(closed) and open(closed, "rb").read() == whole and not os.path.exists(planted),
          "the repaired file holds exactly its whole line, as .jsonl")
    parts = os.listdir(os.path.join(data, "customerio", "_torn"))
    check(len(parts) == 1 and open(os.path.join(data, "customerio", "_torn", parts[0]), "rb").read() == torn,
          f"the torn bytes are under _torn/ ({parts})")


try:
    main()
except Exception as error:  # a crash of the test itself is a failure, reported as one
    import traceback
    traceback.print_exc()
    problems.append(f"the test stopped: {error!r}")
finally:
    for s in servers:
        if s.alive():
            s.proc.kill()
            s.proc.wait()
for title, table in tables:
    print(f"\n{title}:\n" + "\n".join(table))
if problems and args.keep is False:
    print(f"(work folder kept for a look: {work})")
elif not args.keep:
    shutil.rmtree(work, ignore_errors=True)
print(f"\ncollector faults: {len(problems)} problem(s), seed {seed}")
sys.exit(1 if problems else 0)
