"""A small Language Server Protocol client over stdio, as an editor speaks to a server.

It starts ``python -m cfgkit lsp`` (or any command), frames JSON-RPC messages with
``Content-Length`` headers, answers the server's own requests (progress tokens,
configuration) with ``null``, and keeps every notification, so that tests and the benchmark
see exactly what an editor would.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parents[2]


class ServerError(Exception):
    """The server answered a request with an error."""


class Client:
    def __init__(
        self,
        command: Optional[list[str]] = None,
        env: Optional[dict[str, str]] = None,
        cwd: Optional[str] = None,
    ) -> None:
        environment = dict(os.environ if env is None else env)
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), *filter(None, [environment.get("PYTHONPATH")])]
        )
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "cfgkit", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=cwd,
        )
        self.ids = itertools.count(1)
        self.responses: dict[int, Any] = {}
        self.notifications: list[dict[str, Any]] = []
        self.server_requests: list[dict[str, Any]] = []
        self.condition = threading.Condition()
        self.versions: dict[str, int] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.stderr: list[bytes] = []
        threading.Thread(target=self._drain, daemon=True).start()

    # -- the wire --------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    with self.condition:
                        self.condition.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            message = json.loads(stream.read(length or 0))
            with self.condition:
                if "id" in message and "method" in message:
                    self.server_requests.append(message)
                    self._send({"id": message["id"], "result": None})
                elif "id" in message:
                    self.responses[message["id"]] = message
                else:
                    self.notifications.append(message)
                self.condition.notify_all()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    # -- requests and notifications --------------------------------------------------------

    def request(self, method: str, params: Any = None, timeout: float = 60) -> Any:
        number = next(self.ids)
        self._send({"id": number, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self.condition:
            while number not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise TimeoutError(f"no answer to {method} ({self.errors()})")
                self.condition.wait(left)
            response = self.responses.pop(number)
        if "error" in response:
            raise ServerError(response["error"])
        return response.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"method": method, "params": params})

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 60, start: int = 0
    ) -> dict[str, Any]:
        """The first notification from ``start`` on that ``predicate`` accepts."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for message in self.notifications[start:]:
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise TimeoutError(f"no such notification ({self.errors()})")
                self.condition.wait(left)

    def errors(self) -> str:
        return b"".join(self.stderr[-20:]).decode("utf-8", "replace")

    # -- what an editor does -----------------------------------------------------------------

    def initialize(
        self, root: Path, options: Optional[dict[str, Any]] = None, progress: bool = True
    ) -> Any:
        capabilities = {
            "window": {"workDoneProgress": progress},
            "textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"snippetSupport": False}},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                "inlayHint": {},
                "publishDiagnostics": {},
            },
        }
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": root.name}],
                "capabilities": capabilities,
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: Optional[str] = None) -> int:
        """Open a document; return the index of the next notification (for ``wait_for``)."""
        mark = len(self.notifications)
        self.versions[str(path)] = 1
        content = path.read_text(encoding="utf-8") if text is None else text
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri(path), "languageId": "python", "version": 1, "text": content
                }
            },
        )  # fmt: skip
        return mark

    def change(self, path: Path, text: str) -> int:
        mark = len(self.notifications)
        self.versions[str(path)] += 1
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri(path), "version": self.versions[str(path)]},
                "contentChanges": [{"text": text}],
            },
        )
        return mark

    def close(self, path: Path) -> None:
        self.versions.pop(str(path), None)
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri(path)}})

    def diagnostics(self, path: Path, start: int = 0, timeout: float = 120) -> list[Any]:
        """The next diagnostics published for ``path`` from notification ``start`` on."""
        message = self.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri(path)
            ),
            timeout,
            start,
        )
        return message["params"]["diagnostics"]  # type: ignore[no-any-return]

    def at(self, method: str, path: Path, line: int, character: int, **more: Any) -> Any:
        params = {
            "textDocument": {"uri": uri(path)},
            "position": {"line": line, "character": character},
        }
        return self.request(method, {**params, **more})

    def stop(self) -> int:
        if self.process.poll() is None:
            try:
                self.request("shutdown", timeout=10)
                self.notify("exit")
                self.process.wait(timeout=10)
            except (TimeoutError, OSError, ValueError):
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return self.process.returncode


def uri(path: Path) -> str:
    return Path(path).resolve().as_uri()
