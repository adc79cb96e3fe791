"""Benchmark: ``drafter serve`` under load, against its own in-process cost and a static file.

Starts the real command line (``python -m drafter --root TMP serve --port N``) in a subprocess,
with a private ``DRAFTER_CACHE_DIR`` and an empty temporary workspace (so the bundled bank is
used), waits until it answers and warms it up. Then, all against 127.0.0.1 only:

* **baselines**: the in-process cost of the same drafts (``compose`` on a loaded index, the
  median over the theme/seed mix the clients send); one client, one keep-alive connection, in
  turn: ``GET /static/app.css`` and ``POST /draft`` on the otherwise idle server;
* **load**: ``--clients`` threads (default 20), each with its own keep-alive connection and its
  own session (``GET /`` gives the cookie and the form's ``csrf`` field), post ``/draft`` with
  the theme and seed varied over the bundled bank's themes (the curated ones and the topics
  ``drafter themes`` lists), without pause, until ``--seconds`` (default 30) or ``--requests``
  (default 10,000) requests, whichever comes first. Every request's latency is recorded; an
  error is any status other than 200 or 303, or any exception. A 303 is not followed;
* **memory**: the server's resident set (``VmRSS`` in ``/proc/PID/status``) after warm-up,
  after the load and after ``--soak`` requests in all (default 10,000; the load goes on, at
  most ``--soak-seconds``, until then), sampled every 1,000 requests on the way;
* ``--inline``: the same load against a second server whose draft handler runs ``compose`` in
  the event loop instead of Starlette's threadpool (``run_in_threadpool`` replaced in
  ``drafter.web.draftroutes`` before the CLI starts), for the worker-setting question.

Prints a table: p50/p90/p99/max, requests/s and errors for each phase, the RSS figures, the ratios
(loaded draft p50 / in-process compose median, loaded draft p50 / static GET p50, idle draft p50
/ in-process compose median), which bound ended each phase, and the load average at the start
and the end: on a 2-core machine the clients and the server share the cores. Exit status 0 (no
timed assertions); 1 only if the server cannot be started.

With 20 clients that never pause, the server is never idle and the latency is set by Little's
law: a request waits for the ones ahead of it, so p50 is about clients x service time / cores
used (one core for drafting: the server is one process and compose holds the GIL).

Run:  python bench/bench_serve.py [--clients 20] [--seconds 30] [--requests 10000]
      [--soak 10000] [--soak-seconds 300] [--port N] [--inline]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from benchlib import REPO, git_revision, load_average, median

if TYPE_CHECKING:
    from drafter.drafting.index import BankIndex

HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
COOKIE = re.compile(r"drafter_session=([^;]+)")
OCCASIONS = ("研讨发言", "座谈发言", "交流发言", "讲话")
AIM_P50 = 0.030
AIM_P99 = 0.100
# Run before the CLI when --inline: the draft handler composes in the event loop.
INLINE = """
import sys
import drafter.web.draftroutes as routes

async def _direct(func, *args, **kwargs):
    return func(*args, **kwargs)

if not hasattr(routes, "run_in_threadpool"):
    sys.exit("bench_serve --inline: drafter.web.draftroutes has no run_in_threadpool to replace")
routes.run_in_threadpool = _direct
from drafter.cli.app import main
sys.argv[0] = "drafter"
main()
"""


@dataclass(frozen=True)
class Job:
    """One draft request: the form fields besides ``csrf``."""

    theme: str
    parts: int
    points: int
    occasion: str
    seed: int

    def form(self, csrf: str) -> bytes:
        fields = {
            "theme": self.theme,
            "parts": str(self.parts),
            "points": str(self.points),
            "occasion": self.occasion,
            "detail": "outline",
            "seed": str(self.seed),
            "csrf": csrf,
        }
        return urlencode(fields).encode()


@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, outcome: str, ok: bool) -> int:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[outcome] = self.statuses.get(outcome, 0) + 1
            if not ok:
                self.errors += 1
            self.count += 1
            return self.count


class Server:
    """``drafter serve`` in a subprocess, on a port of its own."""

    def __init__(self, port: int, root: Path, cache: Path, inline: bool, log: Path) -> None:
        self.port = port
        env = {**os.environ, "DRAFTER_CACHE_DIR": str(cache), "PYTHONUNBUFFERED": "1"}
        env.pop("DRAFTER_PLAIN_OPTIONS", None)
        args = ["--root", str(root), "serve", "--port", str(port)]
        command = (
            [sys.executable, "-c", INLINE, *args]
            if inline
            else [sys.executable, "-m", "drafter", *args]
        )
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            command, env=env, cwd=root, stdout=self._log_file, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/static/app.css")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        sys.exit(f"drafter serve did not answer:\n{self.log.read_text(errors='replace')}")

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used so far (all its threads)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kib(self) -> int:
        """The server's resident set (VmRSS), in KiB; 0 where /proc cannot tell."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT, as Ctrl-C
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log_file.close()


class Client:
    """One browser: a keep-alive connection and a session of its own."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookie = ""
        self.csrf = ""
        self.open_session()

    def open_session(self) -> None:
        self.conn.request("GET", "/", headers={"Host": f"{HOST}:{self.port}"})
        response = self.conn.getresponse()
        html = response.read().decode()
        found_cookie = COOKIE.search(response.getheader("set-cookie") or "")
        found_csrf = CSRF.search(html)
        if response.status != 200 or not found_cookie or not found_csrf:
            raise RuntimeError(f"GET / gave no session (status {response.status})")
        self.cookie = f"drafter_session={found_cookie.group(1)}"
        self.csrf = found_csrf.group(1)

    def draft(self, job: Job) -> tuple[float, str, bool]:
        """Seconds, outcome (the status, or the exception's name) and whether it succeeded."""
        body = job.form(self.csrf)
        headers = {
            "Host": f"{HOST}:{self.port}",
            "Cookie": self.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{HOST}:{self.port}",
        }
        start = time.perf_counter()
        try:
            try:
                self.conn.request("POST", "/draft", body=body, headers=headers)
                response = self.conn.getresponse()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # The server closed the idle keep-alive connection (uvicorn: after 5 s) before
                # this request reached it; a browser opens a new one and sends again, and so do
                # we, the time of both attempts counted.
                self.reconnect()
                self.conn.request("POST", "/draft", body=body, headers=headers)
                response = self.conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            elapsed = time.perf_counter() - start
            self.reconnect()
            return elapsed, type(exc).__name__, False
        elapsed = time.perf_counter() - start
        if response.will_close:
            self.reconnect()
        return elapsed, str(status), status in (200, 303)

    def get(self, path: str) -> tuple[float, bool]:
        start = time.perf_counter()
        self.conn.request(
            "GET", path, headers={"Host": f"{HOST}:{self.port}", "Cookie": self.cookie}
        )
        response = self.conn.getresponse()
        response.read()
        return time.perf_counter() - start, response.status == 200

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)

    def close(self) -> None:
        self.conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def themes_of_bundled_bank(cache: Path) -> tuple[list[str], BankIndex]:
    """The curated themes and the bank's own topics (what ``drafter themes`` lists), with the
    loaded index of the bundled bank."""
    os.environ["DRAFTER_CACHE_DIR"] = str(cache)
    from drafter.bank.layers import bank_layers
    from drafter.drafting.index import load_index
    from drafter.drafting.overview import bank_topics

    with tempfile.TemporaryDirectory() as empty:
        banks = bank_layers(Path(empty)).banks
    index = load_index(*banks)
    curated = [theme.name for theme in index.themes.themes]
    return [*curated, *bank_topics(index)], index


def make_jobs(themes: Sequence[str], count: int) -> list[Job]:
    rng = random.Random(17)
    return [
        Job(
            rng.choice(themes),
            rng.choice((3, 4)),
            rng.choice((2, 3, 4)),
            rng.choice(OCCASIONS),
            rng.randrange(1, 10_000),
        )
        for _ in range(count)
    ]


def in_process(index: BankIndex, jobs: Sequence[Job]) -> tuple[list[float], list[Job]]:
    """Seconds of ``compose`` for each job the bank can serve, warm, and those jobs (a theme the
    bank refuses is left out of the mix the clients send)."""
    from drafter.drafting.composer import compose
    from drafter.drafting.model import DraftRequest
    from drafter.errors import DraftError

    def request(job: Job) -> DraftRequest:
        return DraftRequest(
            theme=job.theme,
            parts=job.parts,
            points=job.points,
            occasion=job.occasion,
            seed=job.seed,
        )

    served: list[Job] = []
    for job in jobs:  # the first pass also fills the per-theme caches, as the warm-up does
        try:
            compose(index, request(job))
        except DraftError:
            continue
        served.append(job)
    times: list[float] = []
    for job in served:
        start = time.perf_counter()
        compose(index, request(job))
        times.append(time.perf_counter() - start)
    return times, served


@dataclass
class Phase:
    """One load phase's outcome."""

    name: str
    tally: Tally
    seconds: float
    ended_by: str
    server_cpu: float  # seconds of CPU the server used during the phase
    client_cpu: float  # the same for this process: the clients
    rss_samples: list[tuple[int, int]] = field(default_factory=list)  # (requests, KiB)


def load(
    server: Server,
    jobs: Sequence[Job],
    clients: int,
    seconds: float,
    requests: int,
    name: str,
    sample_every: int = 0,
    before: int = 0,
    think: float = 0.0,
) -> Phase:
    """``clients`` threads posting drafts until ``seconds`` or ``requests`` in all; each client
    waits a random pause of ``think`` seconds on average after each answer (exponential, as
    writers reading a draft do: a fixed pause keeps the clients in step, so they all arrive in
    the same instant and queue behind each other however idle the server is between)."""
    tally = Tally()
    stop = threading.Event()
    samples: list[tuple[int, int]] = []
    sessions = [Client(server.port) for _ in range(clients)]
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    start = time.perf_counter()
    deadline = start + seconds

    def run(number: int, client: Client) -> None:
        at = number
        pauses = random.Random(number)
        if think:
            stop.wait(pauses.uniform(0, think))  # start out of step
        while not stop.is_set():
            if time.perf_counter() >= deadline:
                stop.set()
                break
            elapsed, outcome, ok = client.draft(jobs[at % len(jobs)])
            at += clients
            done = tally.add(elapsed, outcome, ok)
            if sample_every and (before + done) % sample_every == 0:
                samples.append((before + done, server.rss_kib()))
            if done >= requests:
                stop.set()
            if think:
                stop.wait(pauses.expovariate(1 / think))

    threads = [
        threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - start
    server_cpu = server.cpu_seconds() - server_cpu
    client_cpu = time.process_time() - client_cpu
    for client in sessions:
        client.close()
    ended = (
        f"request bound ({requests})" if tally.count >= requests else f"time bound ({seconds:g} s)"
    )
    return Phase(name, tally, took, ended, server_cpu, client_cpu, samples)


def sequential(
    server: Server, jobs: Sequence[Job], count: int
) -> tuple[list[float], list[float], int]:
    """One client on the idle server: static GETs and drafts in turn."""
    client = Client(server.port)
    static: list[float] = []
    drafts: list[float] = []
    errors = 0
    for i in range(count):
        seconds, ok = client.get("/static/app.css")
        static.append(seconds)
        errors += not ok
        seconds, _, ok = client.draft(jobs[i % len(jobs)])
        drafts.append(seconds)
        errors += not ok
    client.close()
    return static, drafts, errors


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def mib(kib: int) -> str:
    return f"{kib / 1024:7.1f} MiB"


def report_row(label: str, values: Sequence[float], took: float | None, errors: int) -> str:
    rate = f"{len(values) / took:7.1f}" if took else "      -"
    return (
        f"{label:<34} {len(values):>7} {ms(percentile(values, 50))} {ms(percentile(values, 90))} "
        f"{ms(percentile(values, 99))} {ms(max(values))} {rate} {errors:>6}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0, help="time bound of the load")
    parser.add_argument("--requests", type=int, default=10_000, help="count bound of the load")
    parser.add_argument("--soak", type=int, default=10_000, help="requests in all for memory")
    parser.add_argument("--soak-seconds", type=float, default=300.0, help="time bound of soak")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--idle", type=int, default=100, help="one-client requests of each kind")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a client pauses")
    parser.add_argument("--inline", action="store_true", help="also load an inline-compose server")
    args = parser.parse_args(argv)

    print(
        f"drafter serve load benchmark  commit {git_revision()}  python {platform.python_version()}"
    )
    print(f"cpu_count {os.cpu_count()}  load average at start {load_average()}")
    print(
        f"clients {args.clients} (pause {args.think:g} s after each answer)  bounds "
        f"{args.seconds:g} s / {args.requests} requests; memory after {args.soak} requests "
        f"(at most {args.soak_seconds:g} s more, no pauses)"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        work = Path(tmp)
        root = work / "workspace"
        root.mkdir()
        cache = work / "cache"
        themes, index = themes_of_bundled_bank(cache)
        jobs = make_jobs(themes, 400)
        times, jobs = in_process(index, jobs)
        compose_median = median(times)
        print(
            f"themes {len(themes)} ({len({j.theme for j in jobs})} served); mix of {len(jobs)} "
            f"drafts; in-process compose median {compose_median * 1000:.1f} ms "
            f"(p90 {percentile(times, 90) * 1000:.1f} ms)"
        )

        port = args.port or free_port()
        server = Server(port, root, cache, False, work / "serve.log")
        try:
            server.wait_ready()
            warm = Client(port)
            for job in jobs[:40]:
                warm.draft(job)
            warm.close()
            rss_start = server.rss_kib()
            static, idle_drafts, idle_errors = sequential(server, jobs, args.idle)
            warmed = 40 + len(idle_drafts)
            main_phase = load(
                server,
                jobs,
                args.clients,
                args.seconds,
                args.requests,
                "load",
                sample_every=1000,
                before=warmed,
                think=args.think,
            )
            rss_after_load = server.rss_kib()
            done = warmed + main_phase.tally.count
            soak: Phase | None = None
            if done < args.soak:
                soak = load(
                    server,
                    jobs,
                    args.clients,
                    args.soak_seconds,
                    args.soak - done,
                    "soak",
                    sample_every=1000,
                    before=done,
                )
                done += soak.tally.count
            rss_end = server.rss_kib()
        finally:
            server.stop()
        errors = main_phase.tally.errors + (soak.tally.errors if soak else 0) + idle_errors
        log_text = server.log.read_text(errors="replace").strip().splitlines()
        log_tail = "\n".join(log_text[-20:]) if errors else ""
        inline_phase: Phase | None = None
        if args.inline:
            server = Server(free_port(), root, cache, True, work / "serve-inline.log")
            try:
                server.wait_ready()
                warm = Client(server.port)
                for job in jobs[:40]:
                    warm.draft(job)
                warm.close()
                inline_phase = load(
                    server,
                    jobs,
                    args.clients,
                    args.seconds,
                    args.requests,
                    "load, inline compose",
                    think=args.think,
                )
            finally:
                server.stop()

    header = (
        f"{'phase':<34} {'count':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'req/s':>7} {'errors':>6}"
    )
    print()
    print(header)
    print("-" * len(header))
    print(report_row("in-process compose (baseline)", times, None, 0))
    print(report_row("GET /static/app.css, 1 client", static, None, 0))
    print(report_row("POST /draft, 1 client, idle", idle_drafts, None, idle_errors))
    for phase in (main_phase, soak, inline_phase):
        if phase is None:
            continue
        label = f"POST /draft, {args.clients} clients, {phase.name}"
        print(report_row(label, phase.tally.latencies, phase.seconds, phase.tally.errors))
    print()
    if log_tail:
        print("server log (last lines):")
        print(log_tail)
    for phase in (main_phase, soak, inline_phase):
        if phase is not None:
            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(phase.tally.statuses.items()))
            count = max(phase.tally.count, 1)
            print(
                f"{phase.name}: {phase.seconds:.1f} s, ended by the {phase.ended_by}; {statuses}; "
                f"server CPU {phase.server_cpu / count * 1000:.1f} ms per draft "
                f"({phase.server_cpu / phase.seconds:.2f} cores), clients' CPU "
                f"{phase.client_cpu / phase.seconds:.2f} cores"
            )
    p50 = percentile(main_phase.tally.latencies, 50)
    p99 = percentile(main_phase.tally.latencies, 99)
    print()
    print(f"ratio  loaded draft p50 / in-process compose median  {p50 / compose_median:6.1f}x")
    print(f"ratio  loaded draft p50 / static GET p50             {p50 / median(static):6.1f}x")
    print(
        f"ratio  idle draft p50 / in-process compose median    "
        f"{median(idle_drafts) / compose_median:6.1f}x"
    )
    service = main_phase.seconds / max(main_phase.tally.count, 1)
    print(
        f"Little's law: {args.clients} clients x {service * 1000:.1f} ms per request served "
        f"- {args.think * 1000:.0f} ms pause = "
        f"{(args.clients * service - args.think) * 1000:.0f} ms expected mean latency "
        f"(measured mean {statistics.fmean(main_phase.tally.latencies) * 1000:.0f} ms)"
    )
    print(
        f"aims: p50 < {AIM_P50 * 1000:.0f} ms {'met' if p50 < AIM_P50 else 'NOT MET'}; "
        f"p99 < {AIM_P99 * 1000:.0f} ms {'met' if p99 < AIM_P99 else 'NOT MET'}; "
        f"errors 0 {'met' if main_phase.tally.errors == 0 else 'NOT MET'}"
    )
    print()
    samples = main_phase.rss_samples + (soak.rss_samples if soak else [])
    print(f"server RSS after warm-up         {mib(rss_start)}")
    print(f"server RSS after the load        {mib(rss_after_load)}")
    print(
        f"server RSS after {done:>6} requests {mib(rss_end)}  ({(rss_end - rss_start) / 1024:+.1f} MiB)"
    )
    if samples:
        shown = ", ".join(f"{n}: {k / 1024:.0f}" for n, k in samples)
        print(f"RSS every 1000 drafts (MiB): {shown}")
    print()
    print(
        f"load average at end {load_average()}  (clients and server share {os.cpu_count()} cores)"
    )
    print(f"total {time.perf_counter() - started:.0f} s; repository {REPO}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
