#!/usr/bin/env python3
"""Uploads files into Stride or FitTrackee over HTTP and measures files per second.

    drive.py upload {stride,fittrackee} --base URL --email E --password P --dir DIR
             [--concurrency N] [--label L] [--count-cmd SH] [--jobs-cmd SH] --out RESULTS.jsonl
        One HTTP request per file, N in flight (1 = sequential). Files are read into memory
        first, so the clock covers only the requests. Stride: the GraphQL multipart
        `importFiles` mutation (the spec's operations/map/parts). FitTrackee: POST
        /api/workouts, multipart `file` + `data` {"sport_id": 5 (Running)}, logged in with its
        first-party cookies (JWT + CSRF header). After the run, --count-cmd (a shell command
        printing a number) counts what the database really holds for this user, and
        --jobs-cmd shows Stride's background jobs still queued.
    drive.py athletes --base URL --owner-email E --owner-password P --password P EMAIL...
        Stride: the owner invites each email as an athlete, who signs up.
    drive.py cli --label L --seconds S --log FILE [--count-cmd SH] --out RESULTS.jsonl
        Records a timed `stride import` run (its summary line is in FILE).
    drive.py background --base URL --email E --password P --file ZIP --label L [--count-cmd SH]
             --out RESULTS.jsonl
        Stride: one `startFileImport` request with the file, then `fileImport(id)` asked every
        half second until the job is done. The clock covers the upload and the job.
    drive.py table RESULTS.jsonl
        The side-by-side table.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import re
import statistics
import subprocess
import sys
import queue
import time

import requests

IMPORT_MUTATION = (
    "mutation($files: [Upload!]!) { importFiles(files: $files) "
    "{ fileName filesRead activities duplicates refused problems { item message } error } }"
)
RUNNING = 5  # FitTrackee's sport id for Running


def graphql(base: str, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = requests.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=60)
    body = r.json()
    if r.status_code != 200 or body.get("errors"):
        raise SystemExit(f"GraphQL {r.status_code}: {json.dumps(body)[:500]}")
    return body["data"]


# ---------------------------------------------------------------------------------------------
# Clients: one per thread (each keeps its own connection alive).


class StrideClient:
    def __init__(self, base: str, email: str, password: str):
        self.base = base
        self.http = requests.Session()
        data = graphql(base, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                       {"e": email, "p": password})
        self.http.headers["Authorization"] = f"Bearer {data['login']['token']}"

    def upload(self, name: str, data: bytes) -> tuple[bool, str]:
        operations = json.dumps({"query": IMPORT_MUTATION, "variables": {"files": [None]}})
        r = self.http.post(
            f"{self.base}/graphql",
            data={"operations": operations, "map": json.dumps({"0": ["variables.files.0"]})},
            files={"0": (name, data, "application/octet-stream")},
            timeout=600,
        )
        try:
            body = r.json()
        except ValueError:
            return False, f"HTTP {r.status_code}: {r.text[:200]}"
        if r.status_code != 200 or body.get("errors"):
            return False, f"HTTP {r.status_code}: {json.dumps(body.get('errors'))[:200]}"
        result = body["data"]["importFiles"][0]
        if result["error"] or result["activities"] + result["duplicates"] < 1:
            problems = "; ".join(p["message"] for p in result["problems"])
            return False, f"{result['error'] or ''} {problems}".strip()[:200]
        return True, ""


class FitTrackeeClient:
    def __init__(self, base: str, email: str, password: str):
        self.base, self.email, self.password = base, email, password
        self.http = requests.Session()
        self.login()

    def login(self) -> None:
        r = requests.post(f"{self.base}/api/auth/login", json={"email": self.email, "password": self.password},
                          timeout=60)
        if r.status_code != 200:
            raise SystemExit(f"FitTrackee login: HTTP {r.status_code} {r.text[:200]}")
        # The cookies are `Secure`, so a client on plain HTTP must send them itself.
        cookies = {c.name: c.value for c in r.cookies}
        self.headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "X-CSRF-TOKEN": cookies.get("csrf_access_token", ""),
        }

    def upload(self, name: str, data: bytes) -> tuple[bool, str]:
        for attempt in range(2):
            r = self.http.post(
                f"{self.base}/api/workouts",
                headers=self.headers,
                files={"file": (name, data, "application/octet-stream")},
                data={"data": json.dumps({"sport_id": RUNNING})},
                timeout=600,
            )
            if r.status_code == 401 and attempt == 0:  # the 15-minute access token expired
                self.login()
                continue
            break
        if r.status_code == 201:
            return True, ""
        try:
            message = r.json().get("message", "")
        except ValueError:
            message = r.text[:120].replace("\n", " ")
        return False, f"HTTP {r.status_code}: {message}"[:200]


def shell_out(cmd: str | None) -> str:
    if not cmd:
        return ""
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=120)
    return (done.stdout.strip() or done.stderr.strip()).replace("\n", "; ")


def stored(cmd: str | None, minus: int) -> str:
    """What the database holds for the user, less the warm-up upload."""
    out = shell_out(cmd)
    return str(int(out) - minus) if out.isdigit() else out


def cmd_upload(args) -> None:
    names = sorted(n for n in os.listdir(args.dir) if not n.startswith("."))
    files = []
    for n in names:
        with open(os.path.join(args.dir, n), "rb") as f:
            files.append((n, f.read()))
    make = StrideClient if args.system == "stride" else FitTrackeeClient
    # Every worker logs in before the clock starts; a task borrows a client and gives it back.
    clients: queue.Queue = queue.Queue()
    for _ in range(args.concurrency):
        clients.put(make(args.base, args.email, args.password))
    if args.warmup:
        # One untimed upload first, outside the measured set: lazy start-up costs (plugin
        # compilation, imports, pools) and the user's first personal records are not timed.
        with open(args.warmup, "rb") as f:
            warm = clients.get()
            ok, message = warm.upload(os.path.basename(args.warmup), f.read())
            clients.put(warm)
        if not ok:
            raise SystemExit(f"{args.system}: the warm-up upload failed: {message}")
    pool = cf.ThreadPoolExecutor(max_workers=args.concurrency)

    def one(item):
        name, data = item
        client = clients.get()
        try:
            started = time.perf_counter()
            ok, message = client.upload(name, data)
            return name, ok, message, time.perf_counter() - started
        finally:
            clients.put(client)

    started = time.perf_counter()
    results = list(pool.map(one, files))
    elapsed = time.perf_counter() - started
    pool.shutdown()
    ok = [r for r in results if r[1]]
    failed = [r for r in results if not r[1]]
    latencies = sorted(r[3] for r in results)
    record = {
        "system": args.system,
        "label": args.label,
        "input": os.path.basename(os.path.normpath(args.dir)),
        "how": "HTTP, one file per request",
        "concurrency": args.concurrency,
        "files": len(files),
        "mb": round(sum(len(d) for _, d in files) / 1e6, 1),
        "ok": len(ok),
        "failed": len(failed),
        "seconds": round(elapsed, 2),
        "files_per_s": round(len(ok) / elapsed, 2) if elapsed else None,
        "p50_ms": round(statistics.median(latencies) * 1000) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000) if latencies else None,
        "stored": stored(args.count_cmd, 1 if args.warmup else 0),
        "jobs_after": shell_out(args.jobs_cmd),
        "errors": sorted({m for _, _, m, _ in failed})[:5],
    }
    with open(args.out, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(
        f"{args.system:<10} {record['label']:<28} c={args.concurrency:<2} {record['ok']}/{record['files']} ok"
        f" in {record['seconds']} s = {record['files_per_s']} files/s (p50 {record['p50_ms']} ms,"
        f" stored {record['stored'] or '?'})" + (f"  errors: {record['errors']}" if failed else "")
    )


def cmd_athletes(args) -> None:
    owner = graphql(args.base, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                    {"e": args.owner_email, "p": args.owner_password})["login"]["token"]
    for email in args.emails:
        invite = graphql(args.base, "mutation($e: String) { createInvite(role: ATHLETE, email: $e) { token } }",
                         {"e": email}, owner)["createInvite"]["token"]
        graphql(
            args.base,
            "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
            {"i": {"inviteToken": invite, "email": email, "password": args.password,
                   "displayName": email.split("@")[0], "timeZone": "Europe/Oslo"}},
        )
    print(f"{len(args.emails)} athletes signed up")


def cmd_cli(args) -> None:
    text = open(args.log).read()
    summary = re.search(r"imported (\d+) activities from (\d+) files in ([\d.]+) s \((\d+) duplicates.*?, (\d+) refused, (\d+) problems\)", text)
    record = {"system": "stride", "label": args.label, "input": args.input, "how": "CLI `stride import`",
              "concurrency": 1, "seconds": round(args.seconds, 2), "stored": shell_out(args.count_cmd),
              "jobs_after": shell_out(args.jobs_cmd)}
    if summary:
        activities, read, inner, dups, refused, problems = summary.groups()
        record.update(files=int(read), ok=int(activities) + int(dups), failed=int(problems),
                      inner_seconds=float(inner), refused=int(refused))
        record["files_per_s"] = round(record["ok"] / args.seconds, 2)
    else:
        record.update(files=None, ok=None, failed=None, files_per_s=None,
                      errors=[text.strip().splitlines()[-1][:300] if text.strip() else "no output"])
    with open(args.out, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(f"stride     {args.label:<28} CLI  {record.get('ok')}/{record.get('files')} in {record['seconds']} s"
          f" = {record.get('files_per_s')} files/s (stored {record['stored'] or '?'})")


START_IMPORT = "mutation($files: [Upload!]!) { startFileImport(files: $files) { id } }"
FILE_IMPORT = (
    "query($id: ID!) { fileImport(id: $id) { status filesRead activities duplicates refused "
    "problems { item message } } }"
)


def cmd_background(args) -> None:
    client = StrideClient(args.base, args.email, args.password)
    token = client.http.headers["Authorization"].removeprefix("Bearer ")
    data = open(args.file, "rb").read()
    t0 = time.perf_counter()
    r = client.http.post(
        f"{args.base}/graphql",
        data={"operations": json.dumps({"query": START_IMPORT, "variables": {"files": [None]}}),
              "map": json.dumps({"0": ["variables.files.0"]})},
        files={"0": (os.path.basename(args.file), data, "application/zip")},
        timeout=600,
    )
    body = r.json()
    if r.status_code != 200 or body.get("errors"):
        raise SystemExit(f"startFileImport: HTTP {r.status_code} {json.dumps(body)[:300]}")
    accepted = time.perf_counter() - t0
    import_id = body["data"]["startFileImport"]["id"]
    while True:
        run = graphql(args.base, FILE_IMPORT, {"id": import_id}, token)["fileImport"]
        if run["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - t0
    ok = run["activities"] + run["duplicates"]
    record = {"system": "stride", "label": args.label, "input": os.path.basename(args.file),
              "how": "HTTP `startFileImport` (a job)", "concurrency": 1, "files": run["filesRead"], "ok": ok,
              "failed": len(run["problems"]), "seconds": round(seconds, 2),
              "accepted_seconds": round(accepted, 2), "files_per_s": round(ok / seconds, 2),
              "stored": shell_out(args.count_cmd), "status": run["status"]}
    if run["problems"]:
        record["errors"] = [f"{p['item']}: {p['message']}"[:200] for p in run["problems"][:5]]
    with open(args.out, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(f"stride     {args.label:<28} job  {ok}/{run['filesRead']} in {record['seconds']} s"
          f" (stored and answered in {record['accepted_seconds']} s) = {record['files_per_s']} files/s"
          f" (stored {record['stored'] or '?'})")


def cmd_table(args) -> None:
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    head = ("system", "what", "input", "in flight", "ok/files", "seconds", "files/s", "p50 ms", "stored in DB")
    out = []
    for r in rows:
        out.append((
            r["system"], r["label"], r.get("input", ""), str(r.get("concurrency", "")),
            f"{r.get('ok')}/{r.get('files')}", f"{r.get('seconds')}", f"{r.get('files_per_s')}",
            str(r.get("p50_ms") or ""), str(r.get("stored") or ""),
        ))
    widths = [max(len(h), *(len(o[i]) for o in out)) if out else len(h) for i, h in enumerate(head)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for o in out:
        print(line(o))
    # Ratios: Stride over FitTrackee for the same input and concurrency.
    by = {(r["system"], r.get("input"), r.get("concurrency"), r.get("how")): r for r in rows}
    print()
    for (system, inp, conc, how), r in by.items():
        if system != "stride" or not how.startswith("HTTP"):
            continue
        other = by.get(("fittrackee", inp, conc, how))
        if other and other.get("files_per_s") and r.get("files_per_s"):
            print(f"{inp}, {conc} in flight: Stride {r['files_per_s']} vs FitTrackee {other['files_per_s']}"
                  f" files/s = {r['files_per_s'] / other['files_per_s']:.1f}x ({r['label']})")
    for r in rows:
        if r.get("errors"):
            print(f"errors in {r['system']} {r['label']}: {r['errors']}")
        if r.get("jobs_after"):
            print(f"jobs still queued after {r['system']} {r['label']}: {r['jobs_after']}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("upload")
    p.add_argument("system", choices=["stride", "fittrackee"])
    p.add_argument("--base", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--label", default="")
    p.add_argument("--warmup", help="a file uploaded once, untimed, before the set")
    p.add_argument("--count-cmd")
    p.add_argument("--jobs-cmd")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_upload)
    p = sub.add_parser("athletes")
    p.add_argument("--base", required=True)
    p.add_argument("--owner-email", required=True)
    p.add_argument("--owner-password", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("emails", nargs="+")
    p.set_defaults(run=cmd_athletes)
    p = sub.add_parser("cli")
    p.add_argument("--label", required=True)
    p.add_argument("--input", default="")
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--count-cmd")
    p.add_argument("--jobs-cmd")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_cli)
    p = sub.add_parser("background")
    p.add_argument("--base", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--count-cmd")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_background)
    p = sub.add_parser("table")
    p.add_argument("results")
    p.set_defaults(run=cmd_table)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
