"""More than one application server: HAProxy in front of several gunicorn instances, and the checks
that only make sense with more than one (bench/README.md, "More than one server").

The instances share one database and one Redis (``REDIS_URL``). What must hold, each checked
against the instances directly (not through the balancer, which would hide which one answered):

- a session made on one instance is valid on the other;
- a figure cached by one instance is not shown by it after a write on the other;
- failed logins spread over the instances lock the pair (user name, address) at the fifth
  failure, as on one server (django-axes counts in the database);
- the password-reset rate limit counts requests on every instance together (the cache).
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from .http import Client

#: The texts the benchmark page shows for the number of peers (Dutch, the default language).
FEW_PEERS = "5 tot en met 9"
ENOUGH_PEERS = "10 tot en met 19"
CHECK_PROGRAMME = "Benchmark: controle van de gedeelde cache"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Balancer:
    """HAProxy (Debian's package) on a free loopback port, round robin over the instances."""

    def __init__(self, backends: list[str], directory: Path) -> None:
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(binary).exists():
            raise SystemExit("bench: haproxy is missing (scripts/bench.sh installs Debian's haproxy package)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(
            f"  server app{n} {url.removeprefix('http://')} check inter 2s" for n, url in enumerate(backends, start=1)
        )
        self.config = directory / "haproxy.cfg"
        self.config.write_text(
            f"""global
  maxconn 4096

defaults
  mode http
  # keep-alive towards the clients; a new connection to gunicorn per request, so a connection gunicorn closed
  # while idle (its keep-alive is 2 s) is never reused for a save that then could not be retried
  option http-server-close
  option forwardfor
  timeout connect 5s
  timeout client 180s
  timeout server 180s

frontend edmonitor
  bind 127.0.0.1:{self.port}
  default_backend app

backend app
  balance roundrobin
{servers}
"""
        )
        self.log = directory / "haproxy.log"
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            [binary, "-db", "-f", str(self.config)], stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise SystemExit("bench: haproxy did not start:\n" + self.log.read_text(errors="replace"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def prepare_cache_check(run_id: str) -> dict[str, Any]:
    """In process, before the servers start: a programme of eleven new organisations, ten with a
    measurement. The first one's benchmark against the programme then has nine peers with data
    (the page says "5 tot en met 9"); a save for the eleventh makes ten ("10 tot en met 19")."""
    from edmonitor.instruments.scoring import MeasurementInput
    from edmonitor.measurements.instruments import current_version
    from edmonitor.measurements.services import record_measurement
    from edmonitor.organisations.models import Organisation
    from edmonitor.programmes.models import Participation, Programme

    programme = Programme.objects.create(name=f"{CHECK_PROGRAMME} {run_id}")
    organisations = [Organisation.objects.create(name=f"Cachecontrole {run_id} {n}") for n in range(1, 12)]
    version = current_version("vie")
    today = dt.date.today()
    for n, organisation in enumerate(organisations[:10], start=1):
        Participation.objects.create(programme=programme, organisation=organisation)
        record_measurement(
            organisation=organisation,
            instrument_version=version,
            measured_on=today - dt.timedelta(days=30),
            inp=MeasurementInput(direct={f"{i}a": (n + i) % 5 + 1 for i in range(1, 11)}),
        )
    Participation.objects.create(programme=programme, organisation=organisations[10])
    return {
        "benchmark": f"/organisaties/{organisations[0].pk}/vergelijking/?groep=programma-{programme.pk}",
        "new_measurement": f"/organisaties/{organisations[10].pk}/metingen/nieuw/",
    }


def checks(urls: list[str], username: str, password: str, check: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The checks of the module docstring, on the first two instances; each a (passed, what was seen) pair."""
    first, second = urls[0], urls[1]
    found: dict[str, Any] = {}

    # A session made on one instance is valid on the other.
    on_first = Client(first)
    on_first.login(username, password)
    on_second = Client(second)
    on_second.cookies = dict(on_first.cookies)
    page = on_second.get("/")
    found["session valid on the other instance"] = (page.status == 200, f"GET / on instance 2: {page.status}")

    # A figure cached by the second instance is not shown by it after a save on the first.
    before = on_second.get(check["benchmark"])
    again = on_second.get(check["benchmark"])  # now from the cache
    form = on_first.get(check["new_measurement"])
    data = {"measured_on": dt.date.today().isoformat(), "label": f"cache-check-{run_id}"}
    data |= {f"item_{i}a": "4" for i in range(1, 11)}
    saved = on_first.post(check["new_measurement"], data)
    after = on_second.get(check["benchmark"])
    seen = [FEW_PEERS in r.body.decode() for r in (before, again)] + [ENOUGH_PEERS in after.body.decode()]
    found["no stale figure after a write on the other instance"] = (
        all(seen) and form.status == 200 and saved.status == 302,
        f"instance 2 before the save: '{FEW_PEERS}' {seen[0]}, again (cached) {seen[1]}; save on instance 1: "
        f"{saved.status}; instance 2 after: '{ENOUGH_PEERS}' {seen[2]}",
    )
    on_first.close()
    on_second.close()

    # Five failed logins, alternating between the instances, lock the pair on both.
    name = f"lockout-check-{run_id}"
    statuses = []
    for attempt in range(6):
        client = Client(urls[attempt % 2])
        client.get("/login/")
        statuses.append(client.post("/login/", {"username": name, "password": "wrong"}).status)
        client.close()
    found["login lockout shared"] = (  # the fifth failure locks (AXES_FAILURE_LIMIT), wherever the four before were
        statuses == [200] * 4 + [429] * 2,
        f"statuses of six wrong logins, alternating: {statuses} (429: locked)",
    )

    # The password-reset limit (three per address typed per hour) counts on both instances together.
    email = f"reset-check-{run_id}@example.invalid"
    statuses = []
    for attempt in range(4):
        client = Client(urls[attempt % 2])
        client.get("/wachtwoord-vergeten/")
        statuses.append(client.post("/wachtwoord-vergeten/", {"email": email}).status)
        client.close()
    found["rate limit shared"] = (
        statuses == [302, 302, 302, 200],
        f"statuses of four reset requests, alternating: {statuses} (200: refused, too many)",
    )
    return {name: {"pass": ok, "seen": seen_text} for name, (ok, seen_text) in found.items()}
