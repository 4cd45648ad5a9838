"""Two real gunicorn instances behind a real HAProxy, sharing one database and a real Redis: the checks of
``bench/cluster.py`` hold (a session valid on either instance, no stale figure after a save on the other, the
login lockout and the password-reset limit counted across both), and HAProxy passes requests to both.

The same checks run at national scale in the benchmark (``make bench BENCH="--db postgresql --instances 2"``);
here they run on a small SQLite database, so ``make test`` proves the layout works on every commit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench import cluster
from bench.http import Client
from bench.run import Server, sustained_load
from edmonitor.core.tests.test_figures import redis_url

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "cluster-coordinator", "een-lang-wachtwoord-2026"

SET_UP = f"""
import json, django
django.setup()
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser({USER!r}, password={PASSWORD!r})
from bench.cluster import prepare_cache_check
from edmonitor.organisations.models import Organisation
found = prepare_cache_check("test")
found["organisations"] = list(Organisation.objects.values_list("pk", flat=True))
print(json.dumps(found))
"""


@pytest.fixture
def instances(tmp_path: Path):
    """Two instances of one worker each on a migrated SQLite file, sharing Redis under a prefix of their own."""
    database = tmp_path / "cluster.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("EDMONITOR_PRODUCTION", "DATABASE_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "0",
        "SECRET_KEY": "cluster-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": redis_url(),
        "EDMONITOR_CACHE_PREFIX": f"cluster-test-{uuid.uuid4().hex}",
        "EDMONITOR_PROXY_COUNT": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
    made = subprocess.run(
        [sys.executable, "-c", SET_UP], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True, text=True
    )
    check = json.loads(made.stdout.strip().splitlines()[-1])
    servers = [Server(env, 1, 2, n, directory=tmp_path) for n in (1, 2)]
    balancer = cluster.Balancer([s.url for s in servers], tmp_path)
    try:
        yield servers, balancer, check
    finally:
        balancer.stop()
        for server in servers:
            server.stop()


def test_two_instances_behind_haproxy_share_sessions_figures_lockout_and_rate_limit(instances):
    servers, balancer, check = instances
    found = cluster.checks([s.url for s in servers], USER, PASSWORD, check, "test")
    failed = {name: seen for name, seen in found.items() if not seen["pass"]}
    assert failed == {}
    assert set(found) == {
        "session valid on the other instance",
        "no stale figure after a write on the other instance",
        "login lockout shared",
        "rate limit shared",
    }
    # Through the balancer: logged in once, pages from either instance (round robin), the figure as stored.
    client = Client(balancer.url)
    client.login(USER, PASSWORD)
    pages = [client.get(check["benchmark"]) for _ in range(4)]
    assert [page.status for page in pages] == [200] * 4
    assert all(cluster.ENOUGH_PEERS in page.body.decode() for page in pages)  # the save of the checks counts
    client.close()


def test_the_load_generator_keeps_to_its_pace_through_the_balancer(instances):
    servers, balancer, check = instances
    load = sustained_load(balancer.url, USER, PASSWORD, check["organisations"], 4, 4.0, "pace", rate=6.0)
    assert load["errors"] == 0, load["error_samples"]
    assert load["saves_confirmed"] == load["saves_attempted"]
    # four users, one request every 4/6 s each: about 6 requests/s, never the 20 or more they could send
    assert 3.0 <= load["throughput_per_s"] <= 7.5, load["throughput_per_s"]
    assert load["offered_per_s"] == 6.0 and 0 <= load["generator_cpu_share"] < 1


def test_a_balancer_without_instances_behind_it_is_refused_loudly(tmp_path: Path) -> None:
    port = cluster.free_port()
    balancer = cluster.Balancer([f"http://127.0.0.1:{port}"], tmp_path)  # nothing listens there
    try:
        client = Client(balancer.url)
        response = client.get("/login/")
        assert response.status == 503  # HAProxy: no server available, not a hang and not a wrong page
        client.close()
    finally:
        balancer.stop()
    assert "server app1" in balancer.config.read_text()
