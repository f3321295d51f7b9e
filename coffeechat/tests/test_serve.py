"""`coffeechat serve` run for real: a subprocess, a socket, and signals."""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

import click
import django_htmx
import pytest

from coffeechat.serve import allowed_hosts_for, run

real_server = pytest.mark.skipif(
    "config.getoption('--postgres') or sys.platform == 'win32'",
    reason="serves from its own SQLite data directory (the SQLite run covers it); POSIX signals",
)

LINK = re.compile(r"(http://127\.0\.0\.1:(\d+))/accounts/login/[\w-]+/")


def _coffeechat(home: Path, *args: str, stderr: int) -> subprocess.Popen[str]:
    env = {**os.environ, "COFFEECHAT_HOME": str(home)}
    for name in ("COFFEECHAT_DATABASE_URL", "COFFEECHAT_ALLOWED_HOSTS", "COFFEECHAT_MULTIUSER"):
        env.pop(name, None)
    with _interruptible_children():
        return subprocess.Popen(
            [str(Path(sys.executable).with_name("coffeechat")), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )


@contextmanager
def _interruptible_children() -> Iterator[None]:
    """Children started within take Ctrl-C as at a terminal. A suite run in the background
    (`nohup make test &`) ignores SIGINT, and a child inherits an ignored signal: the server
    would then not stop on the Ctrl-C the tests send it."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class Server:
    """`coffeechat serve --port 0` with its output (stdout and stderr) collected as it comes."""

    def __init__(self, home: Path, *options: str) -> None:
        self.process = _coffeechat(
            home, "serve", "--no-browser", "--port", "0", *options, stderr=subprocess.STDOUT
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._pump = threading.Thread(target=self._read, daemon=True)
        self._pump.start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_link(self) -> re.Match[str]:
        while (line := self._queue.get(timeout=30)) is not None:
            if match := LINK.search(line):
                return match
        pytest.fail("coffeechat serve stopped before printing a login link:\n" + self.output)

    def stop(self, signum: int) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"coffeechat serve did not stop within 10 s of signal {signum}.\n"
                f"{_process_state(self.process.pid)}\nIts output:\n{self.output}"
            )
        finally:
            self.process.kill()
            self._pump.join(timeout=5)


def _process_state(pid: int) -> str:
    """What Linux says of a process that did not stop: its state, the signals it blocks,
    ignores and catches, and where each of its threads waits."""
    proc = Path(f"/proc/{pid}")
    if not proc.exists():
        return "(no /proc entry for it)"
    lines = [
        line
        for line in (proc / "status").read_text().splitlines()
        if line.startswith(("State", "SigBlk", "SigIgn", "SigCgt", "Threads"))
    ]
    for task in sorted((proc / "task").iterdir()):
        try:
            lines.append(f"thread {task.name} waits in {(task / 'wchan').read_text() or '-'}")
        except OSError:
            continue
    return "\n".join(lines)


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    yield running
    running.stop(signal.SIGKILL)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def _get(url: str, **headers: str) -> tuple[int, Message, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _static_path() -> str:
    static = Path(django_htmx.__file__).parent / "static"
    scripts = sorted(static.glob("django_htmx/htmx*.js"))
    assert scripts, f"no htmx script under {static}"
    return scripts[0].relative_to(static).as_posix()


@pytest.mark.slow
@real_server
def test_it_serves_a_one_time_link_checks_the_host_and_stops_on_ctrl_c(server):
    match = server.wait_for_link()
    link, base = match.group(0), match.group(1)
    assert int(match.group(2)) > 0

    # A rebinding page reaches the same socket under its own name; the token survives it.
    status, _, _ = _get(link, Host="evil.example")
    assert status == 400

    status, headers, _ = _get(link)
    assert status == 302
    assert headers["Location"] == "/"
    session = [c for c in headers.get_all("Set-Cookie", []) if c.startswith("sessionid=")]
    assert session and "HttpOnly" in session[0]

    status, headers, body = _get(link)
    assert status == 400
    assert "already used" in body
    assert not any(c.startswith("sessionid=") for c in headers.get_all("Set-Cookie", []))

    status, _, body = _get(f"{base}/static/{_static_path()}")
    assert status == 200
    assert "htmx" in body

    assert server.stop(signal.SIGINT) == 0, server.output
    assert "it works once, for 15 minutes" in server.output
    assert "Press Ctrl-C to stop." in server.output
    assert server.output.rstrip().endswith("Stopped.")
    assert "Traceback" not in server.output


@pytest.mark.slow
@real_server
def test_it_stops_cleanly_on_sigterm(server):
    server.wait_for_link()
    assert server.stop(signal.SIGTERM) == 0, server.output
    assert server.output.rstrip().endswith("Stopped.")
    assert "Traceback" not in server.output


@pytest.mark.slow
@real_server
def test_it_loads_the_demo_network_only_into_an_empty_database(tmp_path):
    for expected in (True, False):
        server = Server(tmp_path, "--demo")
        server.wait_for_link()
        assert server.stop(signal.SIGINT) == 0, server.output
        assert ("Loaded the demo network: " in server.output) is expected, server.output


@pytest.mark.slow
@real_server
def test_it_says_so_in_one_line_when_the_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _coffeechat(
            tmp_path, "serve", "--no-browser", "--port", str(port), stderr=subprocess.PIPE
        )
        try:
            stdout, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
    assert process.returncode == 1, stdout + stderr
    assert stderr.strip().splitlines() == [
        f"Error: Port {port} on 127.0.0.1 is already in use: stop the other program or choose "
        "another port with --port."
    ]
    assert "Traceback" not in stdout


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1", ["127.0.0.1", "localhost"]),
        ("::1", ["[::1]", "localhost"]),
        ("localhost", ["localhost", "127.0.0.1", "[::1]"]),
        ("192.168.1.5", ["192.168.1.5"]),
        ("fe80::1", ["[fe80::1]"]),
    ],
)
def test_it_accepts_only_the_names_of_the_bound_address(host, allowed):
    assert allowed_hosts_for(host) == allowed


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_it_will_not_listen_everywhere_without_named_hosts(monkeypatch, host):
    monkeypatch.delenv("COFFEECHAT_ALLOWED_HOSTS", raising=False)
    with pytest.raises(click.ClickException, match="COFFEECHAT_ALLOWED_HOSTS"):
        run(host=host, port=0, open_browser=False, demo=False)


def test_it_refuses_the_demo_in_multiuser_mode(settings):
    settings.MULTIUSER = True
    with pytest.raises(click.ClickException, match="multi-user"):
        run(host="127.0.0.1", port=0, open_browser=False, demo=True)


def _login(home: Path) -> subprocess.CompletedProcess[str]:
    process = _coffeechat(home, "login", stderr=subprocess.PIPE)
    try:
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.slow
@real_server
def test_login_prints_a_fresh_link_for_the_running_server(tmp_path, server):
    first = server.wait_for_link()
    assert _get(first.group(0))[0] == 302
    assert (tmp_path / "server.json").stat().st_mode & 0o777 == 0o600

    done = _login(tmp_path)
    assert done.returncode == 0, done.stderr
    match = LINK.search(done.stdout)
    assert match and match.group(1) == first.group(1)
    assert "it works once, for 15 minutes" in done.stdout
    status, headers, _ = _get(match.group(0))
    assert (status, headers["Location"]) == (302, "/")

    assert server.stop(signal.SIGINT) == 0, server.output
    assert not (tmp_path / "server.json").exists()
    stopped = _login(tmp_path)
    assert stopped.returncode == 1
    assert stopped.stderr.strip().splitlines() == [
        "Error: coffeechat is not running on this data directory: start it with `coffeechat serve`."
    ]


@real_server
def test_login_refuses_when_the_server_left_its_address_behind(tmp_path):
    # A server killed with SIGKILL cannot tidy up: nothing answers at the address it left.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    (tmp_path / "server.json").write_text(f'{{"url": "http://127.0.0.1:{port}", "pid": 1}}')
    done = _login(tmp_path)
    assert done.returncode == 1
    assert "coffeechat is not running" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_login_is_for_a_local_installation(settings):
    from coffeechat.serve import login_link_for_running_server

    settings.MULTIUSER = True
    with pytest.raises(click.ClickException, match="own account"):
        login_link_for_running_server()
