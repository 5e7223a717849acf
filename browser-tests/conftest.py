"""Fixtures: a real Waypoint server (the built binary), a neutral site for quick exit, and a
headless Chromium driven by selenium. Nothing here talks to anything outside 127.0.0.1."""
import http.server
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(os.environ.get("WAYPOINT_BINARY", ROOT / ".build" / "debug" / "waypoint"))
DEMO_PASSWORD = "browser tests passphrase"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NeutralSite:
    """Stands in for the everyday site quick exit goes to."""

    def __init__(self):
        self.folder = tempfile.mkdtemp()
        pathlib.Path(self.folder, "index.html").write_text(
            "<!doctype html><html lang='en'><title>Weather</title><h1>Local forecast</h1></html>")
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=self.folder, **k)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self):
        self.server.shutdown()
        shutil.rmtree(self.folder, ignore_errors=True)


class Server:
    """One `waypoint serve --demo` process with its own data and key folders."""

    def __init__(self, quick_exit_url, database_url=None, workdir=None, extra_args=()):
        self.workdir = workdir or tempfile.mkdtemp(prefix="waypoint-browser-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, WAYPOINT_DEMO_PASSWORD=DEMO_PASSWORD, WAYPOINT_QUICK_EXIT_URL=quick_exit_url,
                   LOG_LEVEL="info")
        env.pop("DATABASE_URL", None)
        args = [str(BINARY), "serve", "--demo", "--port", str(self.port)]
        if database_url:
            args += ["--database-url", database_url]
        args += list(extra_args)
        self.log_path = os.path.join(self.workdir, f"server-{self.port}.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(args, cwd=self.workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
            if self.process.poll() is not None:
                break
        raise RuntimeError("waypoint did not start:\n" + pathlib.Path(self.log_path).read_text())

    def output(self):
        self.log.flush()
        return pathlib.Path(self.log_path).read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def neutral_site():
    site = NeutralSite()
    yield site
    site.close()


@pytest.fixture(scope="session")
def server(neutral_site):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first")
    s = Server(neutral_site.url)
    yield s
    s.stop()
    shutil.rmtree(s.workdir, ignore_errors=True)


def postgres_schema(prefix):
    """A fresh schema on the test PostgreSQL, as a database URL; skips (fails under CI) without one."""
    import uuid
    url = os.environ.get("DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("DATABASE_URL is not set in CI")
        pytest.skip("skipped: no PostgreSQL")
    schema = prefix + "_" + uuid.uuid4().hex
    subprocess.run(["psql", url, "-qc", f"CREATE SCHEMA {schema}"], check=True)
    return url + ("&" if "?" in url else "?") + "search_path=" + schema


def new_browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1024,768"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    # Elements of the next page may take a moment after a click navigates.
    driver.implicitly_wait(5)
    return driver


@pytest.fixture()
def browser():
    driver = new_browser()
    yield driver
    driver.quit()
