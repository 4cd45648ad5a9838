"""The national-scale benchmark: generate (or reuse) the data set, measure, compare with the targets.

``scripts/bench.sh [--scale S] [--db sqlite|postgresql] [--seed N]`` (or ``make bench``) runs it;
``bench/README.md`` says what is measured and why. Results go to ``bench/results/<time>-<db>.json``
and ``.md``.

Each run works on a fresh copy of the cached generated database (a file copy on SQLite, a
``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so the saves of the sustained-load test never
leak into the next run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from . import cluster
from .http import Client

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
GiB = 1024**3

# The targets of the issue ("edmonitor, part 6"); the benchmark prints pass/fail against each.
PAGE_MEDIAN_MS = 100
PAGE_P95_MS = 250
PAGE_QUERIES = 15
PROGRAMME_MS = 1000
BENCHMARK_MS = 300
PDF_MS = 2000
CLI_SECONDS = 5.0
CLI_RATIO = 4.0
MEMORY_BYTES = 2 * GiB
# Under load (issue part 12): 50 clients for 60 s; every worker's memory; each page's first view.
LOAD_MEDIAN_MS = 150
LOAD_P95_MS = 500
LOAD_THROUGHPUT = 80
WORKER_MEMORY_BYTES = 500 * 2**20
COLD_MS = 1000


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, linear between the closest ranks (numpy's default)."""
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
    }


# A small parent for each measured process. The peak memory a parent learns from wait4 counts
# the pages a forked child shared with it before exec: measured from this benchmark process
# (Django and the data set loaded, about 400 MiB), every child "peaked" at 400 MiB. This
# wrapper is 10 MiB, and it times the child itself, so its own start is not counted either.
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
status = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
with open(sys.argv[1], "w") as out:
    out.write(f"{seconds} {peak}")
sys.exit(status)
"""


def run_measured(args: list[str], env: dict[str, str], **kwargs: Any) -> tuple[int, float, int]:
    """Run a process; return its exit status, wall seconds and peak resident memory (bytes)."""
    with tempfile.NamedTemporaryFile("r", prefix="edmonitor-measure-", suffix=".txt") as report:
        status = subprocess.call([PYTHON, "-c", MEASURE, report.name, *args], env=env, cwd=ROOT, **kwargs)
        seconds, peak = report.read().split()
    return status, float(seconds), int(peak)


# --- the database ------------------------------------------------------------------------


def scale_tag(scale: float, seed: int) -> str:
    return f"s{seed}_x{str(scale).replace('.', '_')}"


class Database:
    """The cached generated database and this run's working copy."""

    def __init__(self, kind: str, scale: float, seed: int) -> None:
        self.kind, self.scale, self.seed = kind, scale, seed
        self.tag = scale_tag(scale, seed)
        VAR.mkdir(parents=True, exist_ok=True)
        if kind == "sqlite":
            self.cache = VAR / f"edmonitor-bench-{self.tag}.sqlite3"
            self.marker = self.cache.with_suffix(".json")
            self.work = VAR / "edmonitor-bench-work.sqlite3"
        else:
            self.server = (
                os.environ.get("BENCH_PG_URL")
                or subprocess.run(
                    ["scripts/ensure-postgres.sh"], cwd=ROOT, capture_output=True, text=True, check=True
                ).stdout.strip()
            )
            self.base = self.server.rsplit("/", 1)[0]
            self.cache_name = f"edmonitor_bench_{self.tag}"
            self.work_name = "edmonitor_bench_work"
            port = re.search(r":(\d+)/", self.server)
            self.marker = VAR / f"pg-{port.group(1) if port else 'x'}-{self.cache_name}.json"

    def url(self, which: str) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.cache if which == 'cache' else self.work}"
        return f"{self.base}/{self.cache_name if which == 'cache' else self.work_name}"

    def _pg(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.base}/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def _pg_exists(self, name: str) -> bool:
        import psycopg

        with psycopg.connect(f"{self.base}/postgres", autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

    def cached(self) -> dict[str, Any] | None:
        if not self.marker.exists():
            return None
        if self.kind == "sqlite" and not self.cache.exists():
            return None
        if self.kind == "postgresql" and not self._pg_exists(self.cache_name):
            return None
        return json.loads(self.marker.read_text())

    def generate(self, env: dict[str, str]) -> dict[str, Any]:
        """Generate into a fresh database through bench/generate.py; cache it with its summary."""
        if self.kind == "sqlite":
            target = self.cache.with_suffix(".partial")
            target.unlink(missing_ok=True)
            url = f"sqlite:///{target}"
        else:
            self._pg(
                f'DROP DATABASE IF EXISTS "{self.cache_name}" WITH (FORCE)', f'CREATE DATABASE "{self.cache_name}"'
            )
            url = self.url("cache")
        log(f"generating the data set (scale {self.scale}, seed {self.seed}) into {url}")
        out = VAR / f"generate-{self.kind}-{self.tag}.json"
        with out.open("w") as handle:
            status, seconds, rss = run_measured(
                [PYTHON, "-m", "bench.generate", "--scale", str(self.scale), "--seed", str(self.seed)],
                {**env, "DATABASE_URL": url},
                stdout=handle,
            )
        if status != 0:
            raise SystemExit(f"bench: the generator failed (status {status})")
        summary = json.loads(out.read_text())
        summary["wall_seconds"] = round(seconds, 1)
        summary["max_rss_bytes"] = rss
        if self.kind == "sqlite":
            target.rename(self.cache)
            summary["database_bytes"] = self.cache.stat().st_size
        self.marker.write_text(json.dumps(summary, indent=2))
        return summary

    def fresh_copy(self) -> str:
        if self.kind == "sqlite":
            shutil.copyfile(self.cache, self.work)
        else:
            self._pg(
                f'DROP DATABASE IF EXISTS "{self.work_name}" WITH (FORCE)',
                f'CREATE DATABASE "{self.work_name}" TEMPLATE "{self.cache_name}"',
            )
        return self.url("work")

    def size(self) -> int:
        if self.kind == "sqlite":
            return self.cache.stat().st_size
        import psycopg

        with psycopg.connect(f"{self.base}/postgres") as conn:
            row = conn.execute("SELECT pg_database_size(%s)", [self.cache_name]).fetchone()
            assert row is not None  # one row, always
            return int(row[0])


# --- the server ----------------------------------------------------------------------------


class Server:
    """gunicorn as edmonitor is deployed (as e2e/conftest.py starts it), on a free loopback port."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int,
        threads: int,
        instance: int = 1,
        timeout: int = 120,
        directory: Path = VAR,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.log = directory / ("gunicorn.log" if instance == 1 else f"gunicorn-{instance}.log")
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind=127.0.0.1:0",
                f"--workers={workers}",
                f"--threads={threads}",
                "--backlog=2048",
                "--no-control-socket",
                f"--timeout={timeout}",
                "bench.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(rb"Listening at: (http://127\.0\.0\.1:\d+)", self.log.read_bytes())
            if found and len(self.workers()) >= workers:
                self.url = found.group(1).decode()
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise SystemExit("bench: gunicorn did not start:\n" + self.log.read_text(errors="replace"))

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def worker_peak_rss(self) -> dict[str, int]:
        """VmHWM (peak resident set) of the master and of each worker, in bytes."""
        peaks = {}
        for name, pid in [("master", self.process.pid)] + [(f"worker-{p}", p) for p in self.workers()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            if found:
                peaks[name] = int(found.group(1)) * 1024
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- what is measured --------------------------------------------------------------------


def targets_of_run(ctx: dict[str, Any]) -> dict[str, str]:
    """The pages of one run: name -> path."""
    org, programme = ctx["organisation"], ctx["programme"]
    return {
        "ping (trivial endpoint)": "/bench/ping/",
        "start page (a coordinator: every organisation)": "/",
        "organisation page": f"/organisaties/{org}/",
        "organisation report": f"/organisaties/{org}/rapport/",
        "PDF report": f"/organisaties/{org}/rapport.pdf",
        "programme report": f"/programmas/{programme}/",
        "benchmark view": f"/organisaties/{org}/vergelijking/?groep=programma-{programme}",
        "agreement statistics": "/audits/overeenstemming/",
    }


def context_in_process() -> dict[str, Any]:
    """Ids of the organisation with a full history (the first) and the national programme."""
    from bench.generate import COORDINATOR, PROGRAMME
    from edmonitor.audits.models import Audit
    from edmonitor.measurements.models import Measurement
    from edmonitor.organisations.models import Organisation
    from edmonitor.programmes.models import Programme

    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    return {
        "organisation": organisation.pk,
        "organisation_name": organisation.name,
        "organisations": list(Organisation.objects.order_by("pk").values_list("pk", flat=True)),
        "programme": Programme.objects.get(name=PROGRAMME).pk,
        "peers": Organisation.objects.filter(participations__programme__name=PROGRAMME).count() - 1,
        "history": {
            "measurements": Measurement.objects.filter(organisation=organisation).count(),
            "audits": Audit.objects.filter(organisation=organisation).count(),
        },
        "totals": {
            "organisations": Organisation.objects.count(),
            "measurements": Measurement.objects.count(),
            "audits": Audit.objects.count(),
        },
        "user": COORDINATOR,
    }


def query_counts(paths: dict[str, str], username: str) -> dict[str, int]:
    """Database queries per page, in process (Django's test client and CaptureQueriesContext)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient()
    client.force_login(get_user_model().objects.get(username=username))
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"bench: {path} answered {response.status_code} in process")
        counts[name] = len(queries)
    return counts


def latencies(url: str, username: str, password: str, paths: dict[str, str], repeats: dict[str, int]) -> dict:
    """Sequential requests on one keep-alive connection, the pages interleaved round by round so
    that a burst of load from elsewhere on the machine hits every page alike."""
    client = Client(url)
    client.login(username, password)
    times: dict[str, list[float]] = {name: [] for name in paths}
    cold: dict[str, float] = {}
    for name, path in paths.items():  # warm up: imports, template and definition caches
        for _ in range(2):
            response = client.get(path)
            if response.status != 200:
                raise SystemExit(f"bench: {path} answered {response.status}")
            cold.setdefault(name, response.seconds)  # the first view after the start, caches empty
    rounds = max(repeats.values())
    for i in range(rounds):
        for name, path in paths.items():
            if i < repeats[name]:
                response = client.get(path)
                if response.status != 200:
                    raise SystemExit(f"bench: {path} answered {response.status}")
                times[name].append(response.seconds)
        if (i + 1) % 10 == 0:
            log(f"latency round {i + 1}/{rounds}")
    client.close()
    return {name: summary_ms(values) | {"first_view_ms": round(cold[name] * 1000, 1)} for name, values in times.items()}


# --- the CLI ----------------------------------------------------------------------------------

PARSE_ONLY = """
import csv, sys
n = 0
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        n += 1
print(n)
"""


def write_csv(path: Path, rows: int, seed: int) -> None:
    """A ``score vie`` file: direct item scores, facts for items 1a/3a/4a/5a on a third of the rows, goals."""
    rng = random.Random(f"{seed}-csv")
    items = [f"item_{n}a" for n in range(1, 11)]
    goals = [f"goal_{n}b" for n in range(1, 11)]
    facts = ["staff_fte", "ed_fte", "clients", "ed_policy_count", "ed_recovery_coach_count"]
    facts += ["ed_group_facilitator_count"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisation", "measured_on", "label", *items, *goals, *facts])
        for i in range(rows):
            scores = [str(rng.randint(1, 5)) for _ in items]
            fact_values = [""] * len(facts)
            if i % 3 == 0:
                for n in (0, 2, 3, 4):  # items 1a, 3a, 4a, 5a derived from the facts instead
                    scores[n] = ""
                fact_values = [
                    f"{rng.randint(100, 4000)}.5",
                    f"{rng.randint(0, 30)},25",
                    str(rng.choice([800, 4000, 15000])),
                    str(rng.randint(0, 7)),
                    str(rng.randint(0, 12)),
                    str(rng.randint(0, 12)),
                ]
            writer.writerow(
                [
                    f"Organisatie {i // 10:05d}",
                    f"{2016 + i % 10}-03-01",
                    f"meting {2016 + i % 10}",
                    *scores,
                    *[rng.choice("ABCD") for _ in goals],
                    *fact_values,
                ]
            )


def cli_benchmark(rows: int, seed: int, repeats: int, env: dict[str, str]) -> dict[str, Any]:
    # The command as installed: pip writes the package's bytecode when it installs it. An editable
    # install under PYTHONDONTWRITEBYTECODE (set on these machines) would compile every module
    # again at every start, which is not what a user of the command waits for.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "edmonitor")], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="edmonitor-bench-") as tmp:
        path = Path(tmp) / "measurements.csv"
        write_csv(path, rows, seed)
        cli, parse, rss = [], [], []
        for _ in range(repeats):
            with open(os.devnull, "wb") as sink:
                status, seconds, peak = run_measured(
                    [str(BIN / "edmonitor"), "score", "vie", str(path), "--format", "json"], env, stdout=sink
                )
            if status != 0:
                raise SystemExit(f"bench: edmonitor score vie failed with status {status}")
            cli.append(seconds)
            rss.append(peak)
            with open(os.devnull, "wb") as sink:
                _status, seconds, _peak = run_measured([PYTHON, "-c", PARSE_ONLY, str(path)], env, stdout=sink)
            parse.append(seconds)
        cli_s, parse_s = statistics.median(cli), statistics.median(parse)
        return {
            "rows": rows,
            "repeats": repeats,
            "cli_median_s": round(cli_s, 3),
            "cli_p95_s": round(percentile(cli, 95), 3),
            "parse_only_median_s": round(parse_s, 3),
            "cli_rows_per_s": round(rows / cli_s),
            "parse_only_rows_per_s": round(rows / parse_s),
            "ratio": round(cli_s / parse_s, 2),
            "max_rss_bytes": max(rss),
        }


# --- sustained load ---------------------------------------------------------------------------


def sustained_load(
    url: str,
    username: str,
    password: str,
    organisations: list[int],
    clients: int,
    seconds: float,
    run_id: str,
    rate: float | None = None,
) -> dict[str, Any]:
    """``clients`` users for ``seconds``: organisation pages, reports and benchmarks, and new
    measurements saved through the real form (GET the form, POST it with the CSRF token).

    Without ``rate`` every user sends the next request as soon as the last one is answered (a
    closed loop, no time to read: the most the server can do). With ``rate`` (requests per second
    for all users together) each user keeps to a schedule of one request every ``clients / rate``
    seconds, as people who read what they get; a user whose answer comes late goes on at once.
    """
    interval = clients / rate if rate else 0.0
    start = threading.Barrier(clients + 1)
    lock = threading.Lock()
    times: dict[str, list[float]] = {}
    errors: list[str] = []
    saves: dict[str, int] = {}  # label -> organisation, saves the server confirmed (302)
    attempted: dict[str, int] = {}  # every save sent, confirmed or not
    deadline = [0.0]

    def note(kind: str, seconds: float) -> None:
        with lock:
            times.setdefault(kind, []).append(seconds)

    def user(number: int) -> None:
        rng = random.Random(f"load-{number}")
        client = Client(url, timeout=120)
        try:
            client.login(username, password)
        except Exception as error:  # (any exception) a failed login is an error of the run, reported
            with lock:
                errors.append(f"client {number}: login: {error}")
        start.wait()
        n = 0
        due = [time.perf_counter() + rng.random() * interval]  # users start spread over one interval

        def paced() -> None:
            if interval:
                due[0] += interval
                wait = due[0] - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                else:
                    due[0] = time.perf_counter()  # late: on at once, not a burst to catch up

        paced_start = due[0] - time.perf_counter()
        if paced_start > 0:
            time.sleep(paced_start)
        while time.perf_counter() < deadline[0]:
            org = rng.choice(organisations)
            r = rng.random()
            try:
                if r < 0.8:
                    kind, path = (
                        ("organisation page", f"/organisaties/{org}/")
                        if r < 0.4
                        else ("organisation report", f"/organisaties/{org}/rapport/")
                        if r < 0.6
                        else ("benchmark view", f"/organisaties/{org}/vergelijking/")
                        if r < 0.7
                        else ("measurement form", f"/organisaties/{org}/metingen/nieuw/")
                    )
                    response = client.get(path)
                    note(kind, response.seconds)
                    if response.status != 200:
                        with lock:
                            errors.append(f"GET {path}: {response.status}")
                    paced()
                else:
                    form = client.get(f"/organisaties/{org}/metingen/nieuw/")
                    note("measurement form", form.seconds)
                    paced()
                    if form.status != 200:
                        with lock:
                            errors.append(f"GET form of {org}: {form.status}")
                        continue
                    n += 1
                    label = f"load-{run_id}-{number:02d}-{n:05d}"
                    data = {"measured_on": "2026-01-15", "label": label}
                    data |= {f"item_{i}a": str(rng.randint(1, 5)) for i in range(1, 11)}
                    with lock:
                        attempted[label] = org
                    response = client.post(f"/organisaties/{org}/metingen/nieuw/", data)
                    note("save (POST)", response.seconds)
                    paced()
                    if response.status == 302:
                        with lock:
                            saves[label] = org
                    else:
                        with lock:
                            errors.append(f"POST measurement {label}: {response.status}")
            except Exception as error:  # (any exception) every failure counts as an error of the run
                client.close()
                with lock:
                    errors.append(f"client {number}: {type(error).__name__}: {error}")
        client.close()

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + 3600  # set for real once everyone is logged in
    start.wait()
    began = time.perf_counter()
    cpu_began = time.process_time()  # this process: the load generator's threads
    deadline[0] = began + seconds
    for thread in threads:
        thread.join(timeout=seconds + 300)
    elapsed = time.perf_counter() - began
    generator_cpu = time.process_time() - cpu_began
    all_times = [t for values in times.values() for t in values]
    return {
        "clients": clients,
        "offered_per_s": rate,
        "seconds": round(elapsed, 1),
        "requests": len(all_times),
        "throughput_per_s": round(len(all_times) / elapsed, 1),
        "latency": summary_ms(all_times) | {"p99_ms": round(percentile([t * 1000 for t in all_times], 99), 1)},
        "by_kind": {kind: summary_ms(values) for kind, values in sorted(times.items())},
        "errors": len(errors),
        "error_samples": errors[:10],
        "generator_cpu_s": round(generator_cpu, 1),
        # of the whole machine (all cores): what the server did not get
        "generator_cpu_share": round(generator_cpu / (elapsed * (os.cpu_count() or 1)), 3),
        "saves_confirmed": len(saves),
        "saves_attempted": len(attempted),
        "_saves": saves,
        "_attempted": attempted,
    }


def verify_saves(run_id: str, saves: dict[str, int], attempted: dict[str, int]) -> dict[str, Any]:
    """Every confirmed save is in the database exactly once, in its organisation, with its ten items."""
    from django.db.models import Count

    from edmonitor.measurements.models import Measurement

    stored: Counter[str] = Counter()
    wrong = []
    rows = (
        Measurement.objects.filter(label__startswith=f"load-{run_id}")  # both runs: {run_id}s- and {run_id}p-
        .annotate(items=Count("responses"))
        .values_list("label", "organisation_id", "items")
    )
    for label, organisation_id, items in rows:
        stored[label] += 1
        if saves.get(label, attempted.get(label)) != organisation_id or items != 10:
            wrong.append(label)
    lost = sorted(set(saves) - set(stored))
    duplicated = sorted(label for label, n in stored.items() if n > 1)
    unconfirmed = sorted(set(stored) - set(saves))  # stored though the client saw an error
    return {
        "checked": len(saves),
        "stored": sum(stored.values()),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "stored_but_not_confirmed": len(unconfirmed),
        "wrong_content": len(wrong),
        "samples": (lost + duplicated + unconfirmed + wrong)[:10],
    }


# --- verdicts and output -----------------------------------------------------------------------


def verdicts(result: dict[str, Any]) -> list[dict[str, Any]]:
    checks = []

    def check(name: str, value: Any, target: str, ok: bool) -> None:
        checks.append({"target": name, "value": value, "limit": target, "pass": bool(ok)})

    pages, queries = result["pages"], result["queries"]
    for name in ("organisation page", "organisation report"):
        check(f"{name}: median", f"{pages[name]['median_ms']} ms", f"< {PAGE_MEDIAN_MS} ms",
              pages[name]["median_ms"] < PAGE_MEDIAN_MS)  # fmt: skip
        check(f"{name}: 95th percentile", f"{pages[name]['p95_ms']} ms", f"< {PAGE_P95_MS} ms",
              pages[name]["p95_ms"] < PAGE_P95_MS)  # fmt: skip
        check(f"{name}: queries", queries[name], f"<= {PAGE_QUERIES}", queries[name] <= PAGE_QUERIES)
    check("programme report: median", f"{pages['programme report']['median_ms']} ms", f"< {PROGRAMME_MS} ms",
          pages["programme report"]["median_ms"] < PROGRAMME_MS)  # fmt: skip
    check("benchmark view: median", f"{pages['benchmark view']['median_ms']} ms", f"< {BENCHMARK_MS} ms",
          pages["benchmark view"]["median_ms"] < BENCHMARK_MS)  # fmt: skip
    check("PDF report: median", f"{pages['PDF report']['median_ms']} ms", f"< {PDF_MS} ms",
          pages["PDF report"]["median_ms"] < PDF_MS)  # fmt: skip
    cli = result["cli"]
    check(f"score vie, {cli['rows']} rows", f"{cli['cli_median_s']} s", f"< {CLI_SECONDS} s",
          cli["cli_median_s"] < CLI_SECONDS)  # fmt: skip
    check("score vie against parse-only", f"{cli['ratio']}×", f"<= {CLI_RATIO}×", cli["ratio"] <= CLI_RATIO)
    load, saved = result["load"], result["load_verification"]
    saturation = result.get("saturation", load)
    check("sustained load: errors", load["errors"] + saturation.get("errors", 0), "0",
          load["errors"] + saturation.get("errors", 0) == 0)  # fmt: skip
    check("sustained load: saves lost / duplicated / wrong", f"{saved['lost']} / {saved['duplicated']} / "
          f"{saved['wrong_content']}", "0 / 0 / 0",
          saved["lost"] == saved["duplicated"] == saved["wrong_content"] == 0)  # fmt: skip
    check("sustained load: median", f"{load['latency']['median_ms']} ms", f"< {LOAD_MEDIAN_MS} ms",
          load["latency"]["median_ms"] < LOAD_MEDIAN_MS)  # fmt: skip
    check("sustained load: 95th percentile", f"{load['latency']['p95_ms']} ms", f"< {LOAD_P95_MS} ms",
          load["latency"]["p95_ms"] < LOAD_P95_MS)  # fmt: skip
    check("sustained load: throughput", f"{saturation['throughput_per_s']} requests/s",
          f">= {LOAD_THROUGHPUT} requests/s", saturation["throughput_per_s"] >= LOAD_THROUGHPUT)  # fmt: skip
    for name, s in pages.items():
        check(f"first view after a start: {name}", f"{s['first_view_ms']} ms", f"< {COLD_MS} ms",
              s["first_view_ms"] < COLD_MS)  # fmt: skip
    memory = result["memory"]
    for name, peak in memory.items():
        if "worker" in name:
            check(f"memory: {name}", f"{peak / 2**20:.0f} MiB", "< 500 MiB", peak < WORKER_MEMORY_BYTES)
        else:
            check(f"memory: {name}", f"{peak / 2**20:.0f} MiB", "< 2048 MiB", peak < MEMORY_BYTES)
    for name, seen in result.get("cluster", {}).items():
        check(f"more than one server: {name}", seen["seen"], "holds", seen["pass"])
    return checks


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        f"# edmonitor benchmark, {meta['started']} — {meta['db']}, scale {meta['scale']}, seed {meta['seed']}",
        "",
        f"Data: {result['data']['totals']['organisations']} organisations, "
        f"{result['data']['totals']['measurements']} measurements, {result['data']['totals']['audits']} audits; "
        f"the measured organisation has {result['data']['history']['measurements']} measurements and "
        f"{result['data']['history']['audits']} audits; the benchmark view compares it with "
        f"{result['data']['peers']} peers. Machine: {meta['machine']}; load average at the start "
        f"{meta['loadavg_start']}, at the end {meta['loadavg_end']}. gunicorn {meta['gunicorn']}.",
        "",
        "## Generation",
        "",
    ]
    gen = result["generation"]
    if gen.get("cached"):
        lines.append(f"Reused the cached data set (generated earlier in {gen.get('wall_seconds')} s).")
        lines.append("")
    lines += [
        "| step | seconds |",
        "| --- | ---: |",
        *[f"| {k} | {v} |" for k, v in gen.get("seconds", {}).items()],
        f"| wall time of the generator process | {gen.get('wall_seconds')} |",
        "",
        f"Peak memory of the generator: {gen.get('max_rss_bytes', 0) / 2**20:.0f} MiB; "
        f"database size {result['database_bytes'] / 2**20:.0f} MiB.",
        "",
        "## Pages (sequential, one keep-alive connection, logged in as staff)",
        "",
        "| page | n | median ms | p95 ms | ratio to ping | queries | first view ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in result["pages"].items():
        lines.append(
            f"| {name} | {s['n']} | {s['median_ms']} | {s['p95_ms']} | {result['ratios'][name]} | "
            f"{result['queries'].get(name, '')} | {s.get('first_view_ms', '')} |"
        )
    cli = result["cli"]
    load, saved = result["load"], result["load_verification"]
    lines += [
        "",
        "## `edmonitor score vie`",
        "",
        f"{cli['rows']} rows, median of {cli['repeats']}: {cli['cli_median_s']} s ({cli['cli_rows_per_s']} rows/s); "
        f"parse-only loop (csv.DictReader) {cli['parse_only_median_s']} s ({cli['parse_only_rows_per_s']} rows/s); "
        f"ratio **{cli['ratio']}×**; peak memory {cli['max_rss_bytes'] / 2**20:.0f} MiB.",
        "",
        f"## Sustained load: {load['clients']} clients",
        "",
        "Two runs of the same mix: first every user sends the next request as soon as the last is answered "
        "(the most the server can do: throughput); then every user keeps to a schedule that offers "
        f"{load.get('offered_per_s')} requests/s together (latency at that rate). Saves of both runs verified "
        f"afterwards: {saved['stored']} stored, {saved['lost']} lost, {saved['duplicated']} duplicated, "
        f"{saved['stored_but_not_confirmed']} stored but not confirmed, {saved['wrong_content']} with wrong content.",
        "",
        "| run | seconds | requests | requests/s | median ms | p95 ms | p99 ms | max ms | errors | saves | "
        "load generator's CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    runs = [("as fast as answered", result.get("saturation")), (f"at {load.get('offered_per_s')} requests/s", load)]
    for name, one in runs:
        if one is None:
            continue
        lat = one["latency"]
        lines.append(
            f"| {name} | {one['seconds']} | {one['requests']} | **{one['throughput_per_s']}** | {lat['median_ms']} | "
            f"{lat['p95_ms']} | {lat['p99_ms']} | {lat['max_ms']} | {one['errors']} | {one['saves_confirmed']} of "
            f"{one['saves_attempted']} | {one.get('generator_cpu_share', 0) * 100:.0f} % of {os.cpu_count()} cores |"
        )
    for name, one in runs:
        if one is None:
            continue
        lines += [
            "",
            f"Per request, {name}:",
            "",
            "| request | n | median ms | p95 ms |",
            "| --- | ---: | ---: | ---: |",
            *[f"| {k} | {v['n']} | {v['median_ms']} | {v['p95_ms']} |" for k, v in one["by_kind"].items()],
        ]
        if one["error_samples"]:
            lines += ["", "Errors (first ten):", "", *[f"- `{e}`" for e in one["error_samples"]]]
    lines += [
        "",
        "## Targets",
        "",
        "| target | value | limit | result |",
        "| --- | ---: | ---: | --- |",
        *[
            f"| {c['target']} | {c['value']} | {c['limit']} | {'pass' if c['pass'] else '**FAIL**'} |"
            for c in result["verdicts"]
        ],
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="edmonitor's national-scale benchmark (bench/README.md)")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000 organisations; 0.01 for a quick run")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clients", type=int, default=50, help="users of the sustained-load test")
    parser.add_argument("--load-seconds", type=float, default=60, help="length of the sustained-load test")
    parser.add_argument("--repeats", type=int, default=30, help="requests per page (PDF and programme: a third)")
    parser.add_argument("--cli-rows", type=int, default=100_000, help="rows of the score vie CSV")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--regenerate", action="store_true", help="generate the data set again")
    parser.add_argument(
        "--instances", type=int, default=1, help="gunicorn instances; more than one: behind HAProxy, sharing Redis"
    )
    args = parser.parse_args(argv)
    if args.instances > 1 and not os.environ.get("BENCH_REDIS_URL"):
        raise SystemExit("bench: more than one instance needs a shared Redis: run through scripts/bench.sh")

    started = dt.datetime.now(dt.UTC)
    loadavg_start = os.getloadavg()
    db = Database(args.db, args.scale, args.seed)
    env = {k: v for k, v in os.environ.items() if k not in ("EDMONITOR_PRODUCTION", "BENCH_PG_URL", "REDIS_URL")}
    if args.instances > 1:
        # One Redis for all instances, a key prefix of this run's own (its caches start empty).
        env |= {"REDIS_URL": os.environ["BENCH_REDIS_URL"], "EDMONITOR_CACHE_PREFIX": f"bench-{started:%Y%m%d%H%M%S}"}
    env |= {
        "EDMONITOR_PROXY_COUNT": "1",  # the client's address as HAProxy saw it (login lockout)
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        # glibc gives each thread its own malloc arena; with 4 threads a worker's memory grew to 600 MiB of
        # mostly fragmented free space. Two arenas per process is the usual setting for threaded Python servers.
        "MALLOC_ARENA_MAX": "2",
    }
    generation = None if args.regenerate else db.cached()
    if generation is None:
        generation = db.generate(env)
    else:
        generation = {**generation, "cached": True}
        log(f"reusing the cached data set {db.marker.name}")
    env["DATABASE_URL"] = db.fresh_copy()
    os.environ.update(env)
    # Migrations newer than the cached data set (e.g. an index added since) apply to the copy.
    subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity=0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.db import connections

    from bench.generate import PASSWORD

    data = context_in_process()
    run_id = started.strftime("%H%M%S")
    cache_check = cluster.prepare_cache_check(run_id) if args.instances > 1 else None
    paths = targets_of_run(data)
    log("query counts (in process)")
    queries = query_counts({k: v for k, v in paths.items() if k != "ping (trivial endpoint)"}, data["user"])
    connections.close_all()

    log("CLI: edmonitor score vie")
    cli_rows = args.cli_rows if args.scale >= 1 else max(1000, round(args.cli_rows * args.scale))
    cli = cli_benchmark(cli_rows, args.seed, 5, env)

    servers: list[Server] = []
    balancer = None
    cluster_found: dict[str, Any] = {}
    try:
        servers = [Server(env, args.workers, args.threads, n) for n in range(1, args.instances + 1)]
        # A proxy in front, as deployed (README, "Running in production"), also of one instance: it opens a new
        # connection to gunicorn per request, so the kernel hands each to a free worker. Straight to gunicorn,
        # each user's keep-alive connection stays with the worker that accepted it at login, and at 80
        # requests/s the users of the busier worker queued while the other worker idled (bench/README.md).
        balancer = cluster.Balancer([s.url for s in servers], VAR)
        url = balancer.url
        log(f"{args.instances} instance(s) at {', '.join(s.url for s in servers)}; requests to {url}; page latencies")
        slow = max(3, args.repeats // 3)
        repeats = {name: args.repeats for name in paths}
        repeats |= {"ping (trivial endpoint)": args.repeats * 2, "PDF report": slow, "programme report": slow}
        repeats |= {"agreement statistics": slow}
        pages = latencies(url, data["user"], PASSWORD, paths, repeats)
        ping = pages["ping (trivial endpoint)"]["median_ms"]
        ratios = {name: round(s["median_ms"] / ping, 1) for name, s in pages.items()}
        log(f"sustained load: {args.clients} clients for {args.load_seconds} s, as fast as answered")
        saturation = sustained_load(
            url, data["user"], PASSWORD, data["organisations"], args.clients, args.load_seconds, run_id + "s"
        )
        log(f"sustained load: {args.clients} clients for {args.load_seconds} s at {LOAD_THROUGHPUT} requests/s")
        load = sustained_load(
            url, data["user"], PASSWORD, data["organisations"], args.clients, args.load_seconds, run_id + "p",
            rate=LOAD_THROUGHPUT,
        )  # fmt: skip
        if cache_check is not None:
            log("checks of more than one instance: sessions, cached figures, login lockout, rate limit")
            cluster_found = cluster.checks([s.url for s in servers], data["user"], PASSWORD, cache_check, run_id)
        memory: dict[str, int] = {}
        for n, server in enumerate(servers, start=1):
            prefix = f"gunicorn {n}" if args.instances > 1 else "gunicorn"
            memory |= {f"{prefix} {k}": v for k, v in server.worker_peak_rss().items()}
    finally:
        if balancer is not None:
            balancer.stop()
        for server in servers:
            server.stop()
    verification = verify_saves(
        run_id, load.pop("_saves") | saturation.pop("_saves"), load.pop("_attempted") | saturation.pop("_attempted")
    )
    memory |= {"generator": generation.get("max_rss_bytes", 0), "score vie CLI": cli["max_rss_bytes"]}

    gunicorn_version = subprocess.run(
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    result: dict[str, Any] = {
        "meta": {
            "started": started.strftime("%Y-%m-%d %H:%M UTC"),
            "db": args.db,
            "scale": args.scale,
            "seed": args.seed,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "loadavg_start": [round(x, 2) for x in loadavg_start],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "gunicorn": f"{gunicorn_version}, {args.instances} instance(s) of {args.workers} workers × "
            f"{args.threads} threads, behind HAProxy" + (", sharing Redis" if args.instances > 1 else ""),
            "options": vars(args),
        },
        "data": {k: v for k, v in data.items() if k != "organisations"},
        "generation": generation,
        "database_bytes": db.size(),
        "pages": pages,
        "ratios": ratios,
        "queries": queries,
        "cli": cli,
        "load": load,
        "saturation": saturation,
        "load_verification": verification,
        "memory": memory,
        "cluster": cluster_found,
    }
    result["verdicts"] = verdicts(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{started:%Y%m%d-%H%M%S}-{args.db}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = markdown(result)
    stem.with_suffix(".md").write_text(text)
    print(text)
    failed = [c["target"] for c in result["verdicts"] if not c["pass"]]
    missed = f": {', '.join(failed)}" if failed else ""
    log(f"results in {stem}.json and .md; {len(failed)} target(s) missed{missed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
