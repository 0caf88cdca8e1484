"""Runs Ralph's LRS (ralph-malph 5.1, its HTTP server on its file system backend) on
127.0.0.1 and an OS-assigned port, for the end-to-end tests (tests/support/lrs.mjs).

`ralph runserver` cannot be used as is: it starts uvicorn with its reloader (a second
process watching the working directory for changes) on a fixed port. This starts the same
application, `ralph.api:app`, in one process, on a socket bound here so that the port is
known, and prints `listening <port>` once it listens. Everything else (the backend and its
directory, the credentials file, the allowed CORS origins) comes from Ralph's own
`RALPH_*` environment variables, which the caller sets; the credentials file
(`RALPH_AUTH_FILE`) is written here for the user `PELITA_RALPH_USERNAME` with the password
`PELITA_RALPH_PASSWORD`, the way `ralph auth --write-to-disk` writes it (a bcrypt hash, the
scope `all`, the agent `PELITA_RALPH_MBOX`) without starting Ralph's command line a second
time.

The file system backend writes every statement to one JSON-lines file; by default it
refuses to write to a file that exists, so every POST after the first would fail (500).
Appending is one of its own write modes (`BaseOperationType.APPEND`); it is made the
default before the application creates its backend.
"""

import asyncio
import json
import os
import socket
import sys

import bcrypt

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn  # noqa: E402  (after the backend's default is set)


class Server(uvicorn.Server):
    """A uvicorn server that says when it listens, on the line the caller waits for."""

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        print(f"listening {sockets[0].getsockname()[1]}", flush=True)


def write_credentials():
    """Writes Ralph's Basic auth credentials file for the one test user."""
    password = os.environ["PELITA_RALPH_PASSWORD"].encode()
    users = [
        {
            "agent": {"mbox": os.environ["PELITA_RALPH_MBOX"], "objectType": "Agent"},
            "scopes": ["all"],
            "hash": bcrypt.hashpw(password, bcrypt.gensalt()).decode(),
            "username": os.environ["PELITA_RALPH_USERNAME"],
        }
    ]
    with open(os.environ["RALPH_AUTH_FILE"], "w", encoding="utf-8") as file:
        json.dump(users, file)


def main():
    write_credentials()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config("ralph.api:app", log_level="info", access_log=True)
    server = Server(config)
    try:
        asyncio.run(server.serve(sockets=[sock]))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
