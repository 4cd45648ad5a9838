"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a process of its own.

``python -m edmonitor.accounts.tests.oidc_provider CONFIG`` reads a JSON file CONFIG with the
client (``client_id``, ``client_secret``, ``redirect_uri``) and the people who can log in
(``users``: username, password, email, email_verified, given_name, family_name), sets up a
small Django project of its own (SQLite in a temporary folder, an RSA key made now), and serves
it on a free port of 127.0.0.1 with a threaded WSGI server. Its first line on standard output is
``READY http://127.0.0.1:PORT``. The tests stop it with SIGTERM.

It is a standard OIDC provider: authorization code flow with PKCE, RS256-signed ID tokens,
a JWKS endpoint and a userinfo endpoint, at ``/o/…`` as django-oauth-toolkit serves them; a
person logs in on ``/login/`` (a plain form: this is the provider's page, not edmonitor's).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def configure(folder: Path) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="oidc-provider-for-tests",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "provider.sqlite3")}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # a test provider: quick
        LOGIN_URL="/login/",
        # Cookies go by host, not port: on 127.0.0.1 beside edmonitor the provider's must have names of its own.
        SESSION_COOKIE_NAME="provider_sessionid",
        CSRF_COOKIE_NAME="provider_csrftoken",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": private_key(),
            "PKCE_REQUIRED": True,
            "SCOPES": {"openid": "OpenID Connect", "email": "E-mail address", "profile": "Name"},
            "OAUTH2_VALIDATOR_CLASS": f"{__name__}.Validator",
        },
    )


# --- the provider's pages ---------------------------------------------------------------------

urlpatterns: list = []


def build_urls() -> None:
    from django.contrib.auth import authenticate, login
    from django.http import HttpResponse, HttpResponseRedirect
    from django.middleware.csrf import get_token
    from django.urls import include, path
    from django.utils.http import url_has_allowed_host_and_scheme

    def login_page(request):
        error = ""
        if request.method == "POST":
            user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
            if user is not None:
                login(request, user)
                target = request.POST.get("next", "/")
                return HttpResponseRedirect(target if url_has_allowed_host_and_scheme(target, None) else "/")
            error = "<p role='alert'>Wrong user name or password.</p>"
        page = f"""<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>{error}
<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">
<input type="hidden" name="next" value="{escape(request.GET.get("next", request.POST.get("next", "/")))}">
<label>User name <input name="username"></label> <label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form></body></html>"""
        return HttpResponse(page)

    urlpatterns[:] = [
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("login/", login_page),
    ]


def make_validator():
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class Validator(OAuth2Validator):
        """Adds the e-mail claims (and whether the address is verified) to the ID token and userinfo."""

        oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email": "email", "email_verified": "email"}

        def get_additional_claims(self, request):
            user = request.user
            return {
                "email": user.email,
                "email_verified": not user.username.startswith("unverified"),
                "given_name": user.first_name,
                "family_name": user.last_name,
                "name": user.get_full_name(),
            }

    return Validator


def __getattr__(name: str):  # the validator class is made once Django is configured
    if name == "Validator":
        return make_validator()
    raise AttributeError(name)


ROOT = Path(__file__).resolve().parents[3]


def start(*, client_id: str, client_secret: str, redirect_uri: str, users: list[dict]) -> tuple[subprocess.Popen, str]:
    """Start the provider in a child process; returns it and its address. Stop it with :func:`stop`."""
    folder = Path(tempfile.mkdtemp(prefix="oidc-provider-config-"))
    config = folder / "config.json"
    config.write_text(
        json.dumps(
            {"client_id": client_id, "client_secret": client_secret, "redirect_uri": redirect_uri, "users": users}
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        problem = process.stderr.read() if process.stderr else ""
        raise RuntimeError("the OIDC provider did not start:\n" + line + problem)
    return process, line.split()[1]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as tmp:
        configure(Path(tmp))
        import django

        django.setup()
        build_urls()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application
        from oauth2_provider.models import Application

        call_command("migrate", verbosity=0)
        for person in config["users"]:
            get_user_model().objects.create_user(**person)
        Application.objects.create(
            name="edmonitor",
            client_id=config["client_id"],
            client_secret=config["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=config["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
        server = make_server("127.0.0.1", 0, get_wsgi_application(), ThreadingServer, QuietHandler)
        print(f"READY http://127.0.0.1:{server.server_port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
