"""A minimal HTTP client for the benchmark: one keep-alive connection, cookies, Django's login and CSRF.

Standard library only (``http.client``), so the load generator adds no dependency and its own
cost is small and known: one thread per simulated user, blocking I/O.
"""

from __future__ import annotations

import http.client
import re
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


def multipart(data: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = f"edmonitor-bench-{uuid.uuid4().hex}"
    parts = []
    for name, value in data.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    location: str = ""


class Client:
    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> Response:
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files is not None:
            body, headers["Content-Type"] = multipart(data or {}, files)
        elif data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                raw = conn.getresponse()
                content = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed while idle: reconnect once, only for
                # requests that were never answered (so a save is never sent twice knowingly).
                self.close()
                if attempt == 2 or method != "GET":
                    raise
                continue
            seconds = time.perf_counter() - started
            for header in raw.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            if raw.getheader("Connection", "").lower() == "close":
                self.close()
            return Response(raw.status, content, seconds, raw.getheader("Location", ""))
        raise AssertionError("unreachable")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Response:
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf_token(), **data})

    def post_files(self, path: str, data: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Response:
        """A form with file fields (``name -> (filename, content)``), as a browser sends it."""
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf_token(), **data}, files)

    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")

    def login(self, username: str, password: str) -> None:
        self.get("/login/")
        response = self.post("/login/", {"username": username, "password": password})
        if response.status != 302:
            found = re.search(rb'class="[^"]*error[^"]*"[^>]*>([^<]+)', response.body)
            raise RuntimeError(f"login as {username} failed ({response.status}): {found and found.group(1)!r}")
