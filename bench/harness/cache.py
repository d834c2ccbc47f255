"""Compile-cache figures (issue 18): how long a build takes when ccache, driven by kraft,
already holds its objects, and what a team cache on Redis gives a machine that has none.

The harness gives kraft a cache root of its own (KRAFT_CACHE_DIR under the work folder), so
emptying the compile cache (`<root>/ccache`) never touches the user's; the sources are fetched
into it first, untimed, the same way kraft always fetches.

Figures:
- per example (musl-stdio; openssl): a fresh project's build with an empty compile cache, then
  fresh projects with the cache warm (goals: musl 1.5 s, musl + OpenSSL 3 s);
- musl-stdio for four targets (qemu and fc, x86_64 and arm64) against one target, both with an
  empty compile cache (goal: at most 2.2 times one target);
- the team cache: a redis-server on loopback filled by one build, then a fresh project with an
  empty local cache: its time and the share of compiles Redis answered;
- distributed compiles (`distcc_measure`, its own `--only distcc`): a clean build without the
  compile cache spread over three distccd helpers on loopback against one, each helper pinned
  to a core of its own where there are enough (`taskset`)."""

import os
import re
import shutil
import socket
import statistics
import subprocess
import time

from . import stats
from .kraft import HarnessError, Kraft, Project

GROUP = "compile cache"
SUMMARY = re.compile(r"compiled (\d+) files \(cached (\d+), remote (\d+)\)")
REUSED = re.compile(r"reused (.*?), linked")
PARTS = ("musl", "openssl", "four", "team")
DISTRIBUTED = re.compile(r"compiled (\d+) files \(distributed (\d+)\)")
FOUR_TARGETS = ("fc/x86_64", "qemu/arm64", "fc/arm64")
GOALS = {"musl-stdio": "at most 1.5 s (issue 18)", "openssl": "at most 3 s (issue 18)"}


def counts(output):
    """(compiled, cached, remote) from kraft build's summary line, or None without a cache;
    with the ports taken whole from the prebuilt store (`reused musl (1363 objects)`) after them."""
    match = SUMMARY.search(output)
    if not match:
        return None
    reused = REUSED.search(output)
    return tuple(int(group) for group in match.groups()) + ((reused.group(1),) if reused else ())


class CachedKraft(Kraft):
    """kraft with its cache root (and so its compile cache) in the work folder."""

    def __init__(self, kraft, root, remote=None):
        super().__init__(kraft.repository, kraft.binary)
        self.env = dict(kraft.env)
        self.env.update({"KRAFT_CACHE_DIR": root, "KRAFT_COMPILE_CACHE": "on"})
        if remote:
            self.env["KRAFT_COMPILE_CACHE_REMOTE"] = remote
        self.root = root

    def empty_compile_cache(self):
        """ccache's folder and the prebuilt store of whole ports' objects."""
        shutil.rmtree(os.path.join(self.root, "ccache"), ignore_errors=True)
        shutil.rmtree(os.path.join(self.root, "prebuilt"), ignore_errors=True)


def fresh_build(kraft, example, folder, targets=()):
    """A copy of the example in a new folder, fetched (untimed) and built: the build's
    Completed and counts, or a HarnessError."""
    project = Project.copy(kraft, example, folder, extra_targets=targets)
    failure = kraft.prepare(project)
    if failure:
        raise HarnessError(failure)
    build = kraft.build(project, timeout=3600)
    shutil.rmtree(folder, ignore_errors=True)
    if not build.ok:
        raise HarnessError("kraft build fails: " + stats.first_line(build.completed.output))
    return build.completed, counts(build.completed.output)


def example_figures(kraft, example, work, runs, log):
    subject = os.path.basename(example)
    try:
        kraft.empty_compile_cache()
        cold, cold_counts = fresh_build(kraft, example, os.path.join(work, subject + "-cold"))
        warm = [fresh_build(kraft, example, os.path.join(work, f"{subject}-warm-{n}")) for n in range(runs)]
    except HarnessError as error:
        return [stats.unavailable(GROUP, subject, "all", name, str(error))
                for name in ("fresh project, empty compile cache", "fresh project, warm compile cache")]
    log(f"  {subject}: empty cache {cold.seconds:.1f} s, warm {', '.join(f'{w.seconds:.1f}' for w, _ in warm)} s")
    return [
        stats.figure(GROUP, subject, "all", "fresh project, empty compile cache", "s", [cold.seconds],
                     compiles=cold_counts),
        stats.figure(GROUP, subject, "all", "fresh project, warm compile cache", "s", [w.seconds for w, _ in warm],
                     compiles=[c for _, c in warm], goal=GOALS.get(subject)),
    ]


def four_target_figures(kraft, example, work, log):
    subject = os.path.basename(example)
    try:
        kraft.empty_compile_cache()
        one, _ = fresh_build(kraft, example, os.path.join(work, subject + "-one"))
        kraft.empty_compile_cache()
        four, four_counts = fresh_build(kraft, example, os.path.join(work, subject + "-four"), FOUR_TARGETS)
    except HarnessError as error:
        return [stats.unavailable(GROUP, subject, "4 targets", "clean build, four targets / one", str(error))]
    log(f"  {subject}: one target {one.seconds:.1f} s, four {four.seconds:.1f} s")
    return [
        stats.figure(GROUP, subject, "1 target", "clean build, empty compile cache", "s", [one.seconds]),
        stats.figure(GROUP, subject, "4 targets", "clean build, empty compile cache", "s", [four.seconds],
                     compiles=four_counts, targets=["qemu/x86_64", *FOUR_TARGETS]),
        stats.figure(GROUP, subject, "4 targets", "clean build, four targets / one", "ratio",
                     [four.seconds / one.seconds], goal="at most 2.2 (issue 18)"),
    ]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accepts_within(port, seconds):
    """True once something accepts connections on 127.0.0.1:port, False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class RedisServer:
    """redis-server on a free loopback port, without persistence, stopped on exit."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.child = None

    def __enter__(self):
        os.makedirs(self.folder, exist_ok=True)
        self.child = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
        if not accepts_within(self.port, 10):
            raise HarnessError("redis-server did not accept connections within 10 s")
        return self

    def __exit__(self, *_):
        self.child.kill()
        self.child.wait()


def team_figures(kraft, example, work, log):
    subject = os.path.basename(example)
    names = ("fresh project, empty local cache, Redis team cache", "compiles answered by Redis")
    if not shutil.which("redis-server"):
        return [stats.unavailable(GROUP, subject, "team", name, "redis-server not found (apt-get install redis-server)")
                for name in names]
    try:
        with RedisServer(os.path.join(work, "redis")) as redis:
            team = CachedKraft(kraft, kraft.root, remote=f"redis://127.0.0.1:{redis.port}")
            team.empty_compile_cache()
            fresh_build(team, example, os.path.join(work, subject + "-fill"))
            team.empty_compile_cache()
            build, build_counts = fresh_build(team, example, os.path.join(work, subject + "-team"))
    except HarnessError as error:
        return [stats.unavailable(GROUP, subject, "team", name, str(error)) for name in names]
    compiled, _, remote = build_counts or (0, 0, 0)
    log(f"  {subject}: with Redis {build.seconds:.1f} s, {remote} of {compiled} compiles from Redis")
    return [
        stats.figure(GROUP, subject, "team", names[0], "s", [build.seconds], compiles=build_counts),
        stats.figure(GROUP, subject, "team", names[1], "percent", [100.0 * remote / compiled if compiled else 0.0]),
    ]


def measure(kraft, examples_folder, work, log, runs=3, parts=PARTS):
    """`parts`: which of PARTS to measure (all by default)."""
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    root = os.path.join(work, "kraft-cache")
    os.makedirs(root, mode=0o755)
    cached = CachedKraft(kraft, root)
    if not shutil.which("ccache"):
        return [stats.unavailable(GROUP, "all", "all", "every figure", "ccache not found (apt-get install ccache)")]
    musl = os.path.join(examples_folder, "musl-stdio")
    figures = []
    if "musl" in parts:
        log("  musl-stdio: empty and warm compile cache")
        figures += example_figures(cached, musl, work, runs, log)
    if "openssl" in parts:
        log("  openssl: empty and warm compile cache")
        figures += example_figures(cached, os.path.join(examples_folder, "openssl"), work, runs, log)
    if "four" in parts:
        log("  musl-stdio: four targets against one")
        figures += four_target_figures(cached, musl, work, log)
    if "team" in parts:
        log("  musl-stdio: the Redis team cache")
        figures += team_figures(cached, musl, work, log)
    return figures


class Distccd:
    """Debian's distccd on a free loopback port, taking jobs from 127.0.0.1 only, pinned to
    `core` when given; `--enable-tcp-insecure` because kraft names its compiler by absolute path."""

    def __init__(self, folder, name, core=None, jobs=2):
        self.port = free_port()
        self.log = os.path.join(folder, name + ".log")
        self.command = ["distccd", "--no-detach", "--daemon", "--listen", "127.0.0.1", "--port", str(self.port),
                        "--allow", "127.0.0.1", "--jobs", str(jobs), "--log-stderr", "--log-level", "info",
                        "--enable-tcp-insecure"]
        if core is not None and shutil.which("taskset"):
            self.command = ["taskset", "-c", str(core)] + self.command
        self.jobs = jobs
        self.child = None

    def __enter__(self):
        # Its log goes to stderr, a file of ours: started as root, distccd drops to another
        # user before it would open a --log-file, which then stays empty.
        with open(self.log, "wb") as log:
            self.child = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=log,
                                          stdin=subprocess.DEVNULL, close_fds=True, start_new_session=True)
        if not accepts_within(self.port, 10):
            self.__exit__()
            raise HarnessError("distccd did not accept connections within 10 s")
        return self

    def __exit__(self, *_):
        # distccd forks its workers into the session it leads: end them all.
        try:
            os.killpg(self.child.pid, 9)
        except ProcessLookupError:
            pass
        self.child.wait()

    def completed(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as log:
                return sum(1 for line in log if " COMPILE_OK " in line)
        except OSError:
            return 0


def distributed_build(kraft, example, folder, helpers, log_folder):
    """A clean build of a fresh copy of `example` without the compile cache, its compiles spread
    over `helpers` new loopback distccd (each pinned to its own core while cores last): the
    build's Completed, the compiles kraft counted as distributed, and each helper's own count."""
    cores = os.cpu_count() or 1
    plain = Kraft(kraft.repository, kraft.binary)
    plain.env = dict(kraft.env)
    plain.env["KRAFT_COMPILE_CACHE"] = "off"
    project = Project.copy(plain, example, folder)
    failure = plain.prepare(project)
    if failure:
        raise HarnessError(failure)
    daemons = [Distccd(log_folder, f"helpers{helpers}-{n}", core=n if helpers <= cores else None)
               for n in range(helpers)]
    started = []
    try:
        for daemon in daemons:
            started.append(daemon.__enter__())
        plain.env["KRAFT_DISTCC_HOSTS"] = " ".join(f"127.0.0.1:{d.port}/{d.jobs}" for d in daemons)
        # kraft's own default: local jobs plus every helper slot.
        build = plain.build(project, jobs=cores + 1 + sum(d.jobs for d in daemons), timeout=3600)
        per_helper = [d.completed() for d in daemons]
    finally:
        for daemon in started:
            daemon.__exit__()
        shutil.rmtree(folder, ignore_errors=True)
    if not build.ok:
        raise HarnessError("kraft build fails: " + stats.first_line(build.completed.output))
    match = DISTRIBUTED.search(build.completed.output)
    return build.completed, (int(match.group(2)) if match else 0), per_helper


def distcc_measure(kraft, examples_folder, work, log, example="openssl", runs=1):
    """Three helpers against one, clean builds, no compile cache (goal: report the speed-up)."""
    subject = example
    names = ("clean build, 1 distcc helper", "clean build, 3 distcc helpers", "speed-up, 3 helpers / 1")
    if not shutil.which("distccd") or not shutil.which("distcc"):
        return [stats.unavailable(GROUP, subject, "distcc", name, "distcc not found (apt-get install distcc)")
                for name in names]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    root = os.path.join(work, "kraft-cache")
    os.makedirs(root, mode=0o755)
    cached = CachedKraft(kraft, root)
    path = os.path.join(examples_folder, example)
    times = {1: [], 3: []}
    counts = {1: [], 3: []}
    try:
        for run in range(runs):
            for helpers in (1, 3):
                build, distributed, per_helper = distributed_build(
                    cached, path, os.path.join(work, f"{subject}-{helpers}-{run}"), helpers, work)
                log(f"  {subject}: {helpers} helper(s) {build.seconds:.1f} s, {distributed} compiles sent, "
                    f"per helper {per_helper}")
                times[helpers].append(build.seconds)
                counts[helpers].append({"distributed": distributed, "per_helper": per_helper})
    except HarnessError as error:
        return [stats.unavailable(GROUP, subject, "distcc", name, str(error)) for name in names]
    one, three = statistics.median(times[1]), statistics.median(times[3])
    return [
        stats.figure(GROUP, subject, "distcc", names[0], "s", times[1], compiles=counts[1]),
        stats.figure(GROUP, subject, "distcc", names[1], "s", times[3], compiles=counts[3]),
        stats.figure(GROUP, subject, "distcc", names[2], "ratio", [one / three],
                     goal="report it (issue 18): bounded by this machine's cores",
                     cores=os.cpu_count()),
    ]
