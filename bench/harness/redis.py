"""Redis serving: `kraft init --template redis` (the redis port as the image's program) against
the same Redis source (the port's pinned tree from the kraft cache) built by upstream's own
Makefile with MALLOC=libc and linked statically with musl-gcc, in the Linux guest of
linux_guest.py. Same QEMU (pc, TCG), memory, one vCPU and tap network as http.py, whose
namespace, guest and QEMU commands are reused; redis-benchmark (Debian's redis-tools) runs
inside the namespace.

Figures per side: requests/s of redis-benchmark GET and SET with 50 clients, pipelining 1 and
16; boot to the first PONG; bytes booted; the smallest -m that answers PING. Then the ratio of
each requests/s figure."""

import csv
import io
import os
import re
import shutil
import socket

from . import http, linux_guest, memory, process, rounds, stats
from .kraft import HarnessError, Project

GROUP = "redis"
TARGET = http.TARGET
PORT = 6379
MEMORY_MIB = http.MEMORY_MIB
CLIENTS = 50
PIPELINES = (1, 16)
TESTS = ("SET", "GET")
# The Linux guest's server gets the settings of the template's redis.conf as arguments.
LINUX_ARGUMENTS = "--bind 0.0.0.0 --port 6379 --protected-mode no --save '' --appendonly no --maxclients 200"


def pings(address=http.GUEST, port=PORT, timeout=0.25):
    try:
        with socket.create_connection((address, port), timeout=timeout) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def parse_benchmark_csv(text):
    """{test: requests/s} from `redis-benchmark --csv` ("SET","12345.68",...)."""
    rates = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= 2 and row[0] != "test":
            try:
                rates[row[0]] = float(row[1])
            except ValueError:
                continue
    return rates


def benchmark(pipeline, requests, timeout=600):
    """{test: requests/s}; empty when redis-benchmark fails or outlives `timeout` (a guest
    that stopped answering: redis-benchmark itself waits forever)."""
    done = process.run(
        ["redis-benchmark", "-h", http.GUEST, "-p", str(PORT), "-c", str(CLIENTS), "-n", str(requests),
         "-P", str(pipeline), "-t", ",".join(t.lower() for t in TESTS), "--csv"],
        timeout=timeout,
    )
    return parse_benchmark_csv(done.output)


def serve_once(command_for, requests, log):
    """One boot of one side and redis-benchmark at each pipeline: (boot seconds, {pipeline:
    {test: requests/s}}, still answering afterwards), or None when no PONG came within 180 s."""
    with http.Guest(command_for(MEMORY_MIB), answers=pings) as guest:
        if not guest.start(within_s=180):
            log("    no PONG within 180 s")
            return None
        rates = {}
        for pipeline in PIPELINES:
            rates[pipeline] = benchmark(pipeline, requests * pipeline)
            log(f"    pipeline {pipeline}: " + ", ".join(f"{t} {r:.0f}/s" for t, r in rates[pipeline].items()))
        return guest.first_answer_s, rates, pings()


def rate_name(test, pipeline):
    return f"{test} requests/s ({CLIENTS} clients, pipeline {pipeline})"


def side_figures(subject, per_round, command_for, booted_bytes):
    """One side's figures from its rounds (each figure's samples are the rounds'), then its
    smallest -m."""
    measured = [r for r in per_round if r]
    if not measured:
        return [stats.unavailable(GROUP, subject, TARGET, "every figure", "no PONG within 180 s")]
    boots = [boot_s for boot_s, _, _ in measured]
    figures = [stats.figure(GROUP, subject, TARGET, "boot to first PONG", "s", boots, memory_mib=MEMORY_MIB)]
    for pipeline in PIPELINES:
        for test in TESTS:
            samples = [rates[pipeline][test] for _, rates, _ in measured if test in rates[pipeline]]
            if len(samples) == len(per_round):
                figures.append(stats.figure(GROUP, subject, TARGET, rate_name(test, pipeline), "req/s", samples))
            else:
                figures.append(stats.unavailable(GROUP, subject, TARGET, rate_name(test, pipeline),
                                                 "redis-benchmark gave no figure in some round"))
    figures.append(stats.figure(GROUP, subject, TARGET, "bytes booted", "bytes", [booted_bytes]))
    if not all(alive for _, _, alive in measured):
        figures.append(stats.unavailable(GROUP, subject, TARGET, "smallest -m that serves",
                                         "the server stopped answering during the benchmark"))
        return figures

    def serves_at(mib):
        with http.Guest(command_for(mib), answers=pings) as probe:
            return probe.start(within_s=max(10.0, 5 * max(boots))) and benchmark(1, 2000, timeout=60).get("SET", 0) > 0

    smallest, probes = memory.bisect(serves_at, 0, MEMORY_MIB)
    figures.append(stats.figure(GROUP, subject, TARGET, "smallest -m that serves", "MiB", [smallest], probes=probes))
    return figures


def ratio_figures(mine, theirs):
    """Per test and pipeline, the ratio of the two sides' requests/s in each round."""
    def rates(per_round, test, pipeline):
        return [r[1][pipeline].get(test) if r else None for r in per_round]

    return [rounds.ratio_figure(GROUP, TARGET, rate_name(test, pipeline) + " ratio", rates(mine, test, pipeline),
                                rates(theirs, test, pipeline), "at least x2 (issue 17)")
            for pipeline in PIPELINES for test in TESTS]


def pinned_tree(repository):
    """The redis port's verified tree in the kraft cache (fetched by the kraft build)."""
    with open(os.path.join(repository, "Ports", "redis", "port.yaml")) as recipe:
        found = re.search(r"^\s+tree: sha256:([0-9a-f]{64})", recipe.read(), re.MULTILINE)
    cache = os.environ.get("KRAFT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kraft")
    return os.path.join(cache, "trees", found.group(1)) if found else None


def linux_server(repository, work):
    """redis-server from the same tree, upstream's Makefile, MALLOC=libc, static musl."""
    tree = pinned_tree(repository)
    if not tree or not os.path.isdir(tree):
        raise HarnessError(f"the redis port's tree is not in the kraft cache ({tree})")
    source = os.path.join(work, "redis-linux")
    if os.path.exists(source):
        shutil.rmtree(source)
    shutil.copytree(tree, source)
    done = process.run(["make", "-j2", "MALLOC=libc", "CC=musl-gcc", "LDFLAGS=-static", "BUILD_TLS=no",
                        "redis-server"], cwd=source, timeout=1800)
    if done.status != 0:
        raise HarnessError("redis-server does not build with musl-gcc: " + done.output[-500:])
    return os.path.join(source, "src", "redis-server")


def measure(kraft, work, log, rounds_wanted=3, requests=20000):
    subjects = ("redis (kraft)", "redis (linux guest)")
    reason = http.missing_tools()
    if not reason and shutil.which("redis-benchmark") is None:
        reason = "redis-benchmark is not installed (Debian package redis-tools)"
    release, no_kernel = linux_guest.kernel_release()
    reason = reason or no_kernel
    if reason:
        return [stats.unavailable(GROUP, s, TARGET, "every figure", reason) for s in subjects]
    os.makedirs(work, exist_ok=True)
    figures = []

    log("  building the kraft image (kraft init --template redis)")
    image = initrd = None
    folder = os.path.join(work, "redis-app")
    if os.path.exists(folder):
        shutil.rmtree(folder)
    made = kraft.command(["init", "--template", "redis", folder], cwd=work)
    try:
        if made.status != 0:
            raise HarnessError("kraft init --template redis fails: " + stats.first_line(made.output))
        project = Project.copy(kraft, folder, folder + "-copy")
        build = kraft.build(project, targets=[TARGET])
        if not build.ok:
            raise HarnessError("kraft build fails: " + stats.first_line(build.completed.output))
        image = project.image(TARGET)
        initrd = os.path.join(project.outdir, f"{project.name}.initrd")
        unikernel_reason = None
    except HarnessError as error:
        unikernel_reason = str(error)

    log("  building redis-server for the Linux guest (musl-gcc, static)")
    kernel = os.path.join("/boot", "vmlinuz-" + release)
    linux_initrd = os.path.join(work, "linux-initramfs.cpio")
    try:
        server = linux_server(kraft.repository, work)
        linux_guest.build_initramfs(release, shutil.which("busybox"), server, f"{http.GUEST}/{http.PREFIX}",
                                    http.HOST, PORT, linux_initrd, command=f"/server {LINUX_ARGUMENTS}")
        linux_reason = None
    except (HarnessError, OSError, ValueError) as error:
        linux_reason = str(error)

    def unikernel_command(mib, tap):
        command = http.unikernel_command(image, mib, tap)
        at = command.index("-append")
        command[at + 1] += " /redis.conf"
        return command[:at] + ["-initrd", initrd] + command[at:]

    with http.Namespace(f"kraft-bench-{os.getpid()}") as namespace:
        def linux_command(mib):
            return http.linux_command(kernel, linux_initrd, mib, namespace.tap)

        sides = []
        if image:
            sides.append((subjects[0], lambda: serve_once(lambda mib: unikernel_command(mib, namespace.tap),
                                                          requests, log)))
        else:
            figures.append(stats.unavailable(GROUP, subjects[0], TARGET, "every figure", unikernel_reason))
        if not linux_reason:
            sides.append((subjects[1], lambda: serve_once(linux_command, requests, log)))
        else:
            figures.append(stats.unavailable(GROUP, subjects[1], TARGET, "every figure", linux_reason))
        log(f"  {rounds_wanted} rounds of redis-benchmark ({requests} requests x pipeline), each side in turn")
        measured = rounds.alternate(sides, rounds_wanted, log)
        if image:
            figures += side_figures(subjects[0], measured[subjects[0]],
                                    lambda mib: unikernel_command(mib, namespace.tap),
                                    os.path.getsize(image) + os.path.getsize(initrd))
        if not linux_reason:
            figures += side_figures(subjects[1], measured[subjects[1]], linux_command,
                                    os.path.getsize(kernel) + os.path.getsize(linux_initrd))
    none = [None] * rounds_wanted
    return figures + ratio_figures(measured.get(subjects[0], none), measured.get(subjects[1], none))
