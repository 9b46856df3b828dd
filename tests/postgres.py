"""A throwaway PostgreSQL cluster for the tests, from Debian's `postgresql` package.

`initdb` into a temporary folder, `pg_ctl start` on a free port of 127.0.0.1 only (its socket in the same
folder), trust authentication; as the `postgres` user when the tests run as root (PostgreSQL refuses to
run as root). `stop()` and `start()` again simulate a database that goes away and comes back; `remove()`
stops it and deletes the folder.

    cluster = Cluster.create(binaries())
    url = cluster.new_database()        # postgresql+psycopg://postgres:secret@127.0.0.1:PORT/test_1
    cluster.remove()
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PASSWORD = "secret"  # trust authentication ignores it; the URLs carry one so tests can check it is never shown


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on the PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    return Path(folders[-1]).parent if folders else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self, bin_dir: Path, folder: Path, port: int, durable: bool = False):
        self.bin_dir, self.folder, self.port = bin_dir, folder, port
        self.durable = durable  # False: no fsync (tests); True: PostgreSQL's defaults (benchmarks)
        self._databases = 0

    @classmethod
    def create(cls, bin_dir: Path, durable: bool = False) -> Cluster:
        folder = Path(tempfile.mkdtemp(prefix="livelab-postgres-"))
        cluster = cls(bin_dir, folder, free_port(), durable)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        cluster._run("initdb", "-D", str(folder / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                     "--no-sync")
        cluster.start()
        return cluster

    def _run(self, program: str, *args: str, allowed: tuple[int, ...] = (0,)) -> int:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode not in allowed:
            log = self.folder / "log"
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                               + (log.read_text() if log.exists() else ""))
        return done.returncode

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "start", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w",
                  "-t", "30", "-o", options)

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.folder / "data"), "-m", "fast", "-w")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database's URL (a test's own)."""
        import psycopg

        self._databases += 1
        name = f"test_{self._databases}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.folder / "data"), allowed=(0, 3)) == 0

    def remove(self) -> None:
        try:
            if self.running():
                self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
