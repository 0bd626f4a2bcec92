"""Start and stop a private `jupyter lab` for the browser tests: 127.0.0.1 only, random token, no news."""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

JUPYTER = Path(sys.executable).parent / "jupyter"
START_TIMEOUT = 120  # seconds; a loaded 2-core machine can take a while to import JupyterLab
STOP_TIMEOUT = 30

# User settings that keep the page quiet and every cell in the DOM (no virtual scrolling).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "doNotDisturbMode": True,
    },
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(settings_dir):
    for name, values in SETTINGS.items():
        path = Path(settings_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


class LabServer:
    """A running `jupyter lab` serving root_dir; use as a context manager so it always stops."""

    def __init__(self, root_dir, state_dir, env=None):
        self.root_dir = Path(root_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        state_dir = Path(state_dir)
        write_settings(state_dir / "settings")
        (state_dir / "workspaces").mkdir(exist_ok=True)
        self.log_path = state_dir / "server.log"
        env = dict(os.environ if env is None else env)
        env["JUPYTER_RUNTIME_DIR"] = str(state_dir / "runtime")  # keep connection files out of $HOME
        command = [
            str(JUPYTER), "lab",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",  # never drift to a port we did not choose
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.allow_root=True",  # CI runs as root
            "--ServerApp.open_browser=False",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to wait on the real state
            "--LabApp.extension_manager=readonly",
            "--LabApp.news_url=None",
            f"--LabApp.user_settings_dir={state_dir / 'settings'}",
            f"--LabApp.workspaces_dir={state_dir / 'workspaces'}",
        ]
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )

    def __enter__(self):
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def api(self, method, path):
        request = urllib.request.Request(f"{self.url}/api/{path}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def wait_until_up(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early; log:\n{self.log()}")
            try:
                self.api("GET", "status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not answer within {START_TIMEOUT} s; log:\n{self.log()}")

    def shutdown_kernels(self):
        """Delete every session and kernel, so the next test starts clean and CPU is freed."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")
        for kernel in self.api("GET", "kernels"):
            self.api("DELETE", f"kernels/{kernel['id']}")

    def stop(self):
        if self.process.poll() is None:
            try:
                self.shutdown_kernels()
            except OSError:
                pass  # the server is not answering; its kernels exit when their parent is gone
            self.process.terminate()  # on SIGTERM jupyter_server stops its kernels, then exits
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group we started, nothing else
                self.process.wait()
        self._log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")[-5000:]
