"""The web import of a CSV file at the upload limit, through gunicorn as deployed (issue part 7, section 2).

``make bench-import`` (``scripts/bench.sh --import``) runs it; ``bench/README.md``, "Web import",
says what it measures and why. On a new database (SQLite file or PostgreSQL database), gunicorn
with three sync workers and its default 30-second timeout, as the README deploys it:

- the **largest valid file**: every row a measurement with all ten items scored (the most
  rows written per byte), filled up to exactly the limit; it must be imported (HTTP 302, every
  row stored) well inside the timeout: uploaded (checked, kept for the preview), its preview
  shown (read again, duplicates looked up), confirmed (read again, stored) — three requests,
  each timed, their sum the target;
- a **bad file** of the same size (``x;;`` on every row, two problems each): refused with the
  first 100 problems, quickly, with a small page;
- **three bad files at once**: the workers stay free for everyone else.

Each size given with ``--sizes`` is measured with its own server (the limit is read at start);
the first is the default limit the README documents. Results: ``bench/results/<time>-import-<db>.json``
and ``.md``; exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .http import Client
from .run import PYTHON, RESULTS, ROOT, VAR, Server, log

ORGANISATION = "GGZ A"  # short: the more rows fit in the limit, the more work per byte
USER, PASSWORD = "bench-importer", "bench-import-password"
TIMEOUT_S = 30  # gunicorn's default worker timeout
VALID_TARGET_S = 10.0  # "well inside the timeout": a third of it
BAD_TARGET_S = 2.0
BAD_PAGE_BYTES = 200_000


def valid_file(size: int, seed: int) -> tuple[bytes, int]:
    """A valid file of exactly ``size`` bytes: rows with all ten items, then blank lines (skipped) to fill."""
    rng = random.Random(seed)
    header = ("organisation;measured_on;" + ";".join(f"item_{n}a" for n in range(1, 11)) + "\n").encode()
    parts, used, rows = [header], len(header), 0
    while True:
        day = dt.date(2000, 1, 1) + dt.timedelta(days=rows)  # a date per row: none looks like another
        row = f"{ORGANISATION};{day};" + ";".join(str(rng.randint(1, 5)) for _ in range(10)) + "\n"
        if used + len(row) > size:
            break
        parts.append(row.encode())
        used += len(row)
        rows += 1
    parts.append(b"\n" * (size - used))
    return b"".join(parts), rows


def bad_file(size: int) -> bytes:
    header = b"organisation;measured_on;label\n"
    rows = (size - len(header)) // 4
    return (header + b"x;;\n" * rows).ljust(size, b"\n")


def prepare(env: dict[str, str]) -> None:
    """Migrate the new database and add the organisation and a project member who imports."""
    subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity=0"], env=env, check=True)
    script = (
        "from django.contrib.auth import get_user_model\n"
        "from edmonitor.organisations.models import Membership, Organisation, Role, Sector\n"
        f"org = Organisation.objects.create(name={ORGANISATION!r}, sector=Sector.MENTAL_HEALTH)\n"
        f"user = get_user_model().objects.create_user({USER!r}, password={PASSWORD!r})\n"
        "Membership.objects.create(user=user, organisation=org, role=Role.MEMBER)\n"
        "print(org.pk)\n"
    )
    done = subprocess.run([PYTHON, "manage.py", "shell", "-c", script], env=env, check=True, capture_output=True)
    env["BENCH_ORGANISATION"] = done.stdout.decode().split()[-1]


def stored(env: dict[str, str]) -> int:
    script = "from edmonitor.measurements.models import Measurement\nprint(Measurement.objects.count())\n"
    done = subprocess.run([PYTHON, "manage.py", "shell", "-c", script], env=env, check=True, capture_output=True)
    return int(done.stdout.decode().split()[-1])


def upload(url: str, path: str, name: str, content: bytes) -> dict[str, Any]:
    client = Client(url, timeout=120)
    client.login(USER, PASSWORD)
    client.get(path)
    started = time.perf_counter()
    response = client.post_files(path, {}, {"file": (name, content)})
    seconds = time.perf_counter() - started
    client.close()
    return {"status": response.status, "seconds": round(seconds, 2), "page_bytes": len(response.body)}


def import_through_preview(url: str, path: str, name: str, content: bytes) -> dict[str, Any]:
    """Upload, open the preview, confirm: as a user imports a file. Seconds per step and in all."""
    client = Client(url, timeout=120)
    client.login(USER, PASSWORD)
    client.get(path)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    response = client.post_files(path, {}, {"file": (name, content)})
    steps["upload"] = round(response.seconds, 2)
    if response.status == 302:
        preview_path = urlsplit(response.location).path
        preview = client.get(preview_path)
        steps["preview"] = round(preview.seconds, 2)
        found = re.search(rb'name="signature" value="([0-9a-f]+)"', preview.body)
        response = client.post(
            preview_path, {"action": "confirm", "signature": found.group(1).decode() if found else ""}
        )
        steps["confirm"] = round(response.seconds, 2)
        if response.status == 302:  # the progress page: the background worker stores the rows
            waited = time.perf_counter()
            page = client.get(urlsplit(response.location).path)
            status_url = re.search(rb'data-job-status="([^"]+)"', page.body)
            state: dict[str, Any] = {}
            while status_url and time.perf_counter() - waited < 10 * TIMEOUT_S:
                state = json.loads(client.get(status_url.group(1).decode()).body)
                if state.get("finished"):
                    break
                time.sleep(0.2)  # the page itself asks once a second
            steps["stored by the worker"] = round(time.perf_counter() - waited, 2)
    seconds = time.perf_counter() - started
    client.close()
    return {"status": response.status, "seconds": round(seconds, 2), "steps": steps, "page_bytes": len(response.body)}


def measure_size(env: dict[str, str], size: int, seed: int) -> dict[str, Any]:
    env = {**env, "EDMONITOR_MAX_IMPORT_BYTES": str(size)}
    before = stored(env)
    server = Server(env, workers=3, threads=1, timeout=TIMEOUT_S)
    # the import's confirm is a background task: a worker beside the server, as deployed (README)
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval=0.5"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    path = f"/organisaties/{env['BENCH_ORGANISATION']}/metingen/importeren/"
    try:
        content, rows = valid_file(size, seed)
        log(f"{size} bytes: a valid file of {rows} rows")
        valid = import_through_preview(server.url, path, "geldig.csv", content) | {"rows": rows, "bytes": len(content)}
        valid["stored"] = stored(env) - before
        bad = bad_file(size)
        log(f"{size} bytes: a bad file, alone and three at once")
        alone = upload(server.url, path, "fout.csv", bad) | {"bytes": len(bad)}
        together: list[dict[str, Any]] = []
        threads = [
            threading.Thread(target=lambda: together.append(upload(server.url, path, "fout.csv", bad)))
            for _ in range(3)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        memory = server.worker_peak_rss()
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=30)
    return {
        "limit_bytes": size,
        "valid": valid,
        "bad": alone,
        "bad_three_at_once": {"wall_seconds": round(wall, 2), "requests": together},
        "worker_peak_rss_mib": {k: round(v / 2**20) for k, v in memory.items()},
    }


def verdicts(result: dict[str, Any]) -> list[dict[str, Any]]:
    checks = []
    for run in result["sizes"]:
        size, valid, bad = run["limit_bytes"], run["valid"], run["bad"]
        ok = valid["status"] == 302 and valid["stored"] == valid["rows"] and valid["seconds"] < VALID_TARGET_S
        checks.append(
            {
                "target": f"valid file of {size} bytes ({valid['rows']} rows) imported",
                "value": f"HTTP {valid['status']}, {valid['stored']} stored, {valid['seconds']} s",
                "limit": f"HTTP 302, all stored, < {VALID_TARGET_S} s",
                "pass": ok,
            }
        )
        ok = bad["status"] == 200 and bad["seconds"] < BAD_TARGET_S and bad["page_bytes"] < BAD_PAGE_BYTES
        checks.append(
            {
                "target": f"bad file of {size} bytes refused",
                "value": f"HTTP {bad['status']}, {bad['seconds']} s, page {bad['page_bytes']} bytes",
                "limit": f"HTTP 200, < {BAD_TARGET_S} s, page < {BAD_PAGE_BYTES} bytes",
                "pass": ok,
            }
        )
        three = run["bad_three_at_once"]
        checks.append(
            {
                "target": f"three bad files of {size} bytes at once",
                "value": f"{three['wall_seconds']} s",
                "limit": f"< {BAD_TARGET_S * 3} s",
                "pass": three["wall_seconds"] < BAD_TARGET_S * 3,
            }
        )
    return checks


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        f"# edmonitor web import, {meta['started']} — {meta['db']}",
        "",
        f"Machine: {meta['machine']}; load average at the start {meta['loadavg_start']}, at the end "
        f"{meta['loadavg_end']}. gunicorn: 3 sync workers, timeout {TIMEOUT_S} s.",
        "",
        "| limit | valid file: rows | status | stored | seconds | bad file: status | seconds | page bytes "
        "| three bad at once: seconds | worker peak MiB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in result["sizes"]:
        v, b = run["valid"], run["bad"]
        peaks = ", ".join(str(p) for name, p in run["worker_peak_rss_mib"].items() if name != "master")
        lines.append(
            f"| {run['limit_bytes']} | {v['rows']} | {v['status']} | {v['stored']} | {v['seconds']} | {b['status']} "
            f"| {b['seconds']} | {b['page_bytes']} | {run['bad_three_at_once']['wall_seconds']} | {peaks} |"
        )
    lines += ["", "| target | value | limit | result |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {c['target']} | {c['value']} | {c['limit']} | {'pass' if c['pass'] else '**FAIL**'} |"
        for c in result["verdicts"]
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The web import at the upload limit (bench/README.md)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="", help="limits to measure, comma-separated bytes (default: the setting)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    started = dt.datetime.now(dt.UTC)
    loadavg_start = os.getloadavg()
    env = {k: v for k, v in os.environ.items() if k not in ("EDMONITOR_PRODUCTION", "BENCH_PG_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "PYTHONUNBUFFERED": "1",
    }
    VAR.mkdir(parents=True, exist_ok=True)
    if args.db == "sqlite":
        database = VAR / "edmonitor-import.sqlite3"
        database.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        import psycopg

        server_url = (
            os.environ.get("BENCH_PG_URL")
            or subprocess.run(["scripts/ensure-postgres.sh"], capture_output=True, text=True, check=True).stdout.strip()
        )
        base = server_url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "edmonitor_bench_import" WITH (FORCE)')
            conn.execute('CREATE DATABASE "edmonitor_bench_import"')
        env["DATABASE_URL"] = f"{base}/edmonitor_bench_import"
    prepare(env)
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    else:
        script = "from django.conf import settings\nprint(settings.EDMONITOR_MAX_IMPORT_BYTES)\n"
        done = subprocess.run([PYTHON, "manage.py", "shell", "-c", script], env=env, check=True, capture_output=True)
        sizes = [int(done.stdout.decode().split()[-1])]
    runs = [measure_size(env, size, args.seed) for size in sizes]
    result: dict[str, Any] = {
        "meta": {
            "started": started.strftime("%Y-%m-%d %H:%M UTC"),
            "db": args.db,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "loadavg_start": [round(x, 2) for x in loadavg_start],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "options": vars(args),
        },
        "sizes": runs,
    }
    result["verdicts"] = verdicts(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{started:%Y%m%d-%H%M%S}-import-{args.db}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    text = markdown(result)
    stem.with_suffix(".md").write_text(text)
    print(text)
    failed = [c["target"] for c in result["verdicts"] if not c["pass"]]
    log(f"results in {stem}.json and .md; {len(failed)} target(s) missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
