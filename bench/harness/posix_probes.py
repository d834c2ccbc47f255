"""The POSIX probe suite (Tests/Images/posix-probes): each probe's output and exit status in the
unikernel against the same source linked statically with the host's musl-gcc.

The image runs every probe that returns from main in one boot (framed by `=== name` and
`--- exit N`), and each probe that ends the program itself (`/* probe: alone */`: exit, abort)
in a boot of its own. The host side runs each probe in an empty temporary folder with only
PROBE_COLOUR=blue in its environment, as the Kraftfile's `env:` gives the guest."""

import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass

from . import process, stats
from .kraft import HarnessError, Project

SECTION = re.compile(r"^=== (\S+)$", re.M)
TRAILER = re.compile(r"\n--- exit (-?\d+)\n")
# The kernel's own console messages (`[warn] syscall 'fork' (57) is not implemented ...`).
KERNEL_LOG = re.compile(r"^\[(crit|error|warn|info|debug)\] .*\n?", re.M)
ENOSYS_MARK = re.compile(r'^/\* probe: enosys "(.*)" \*/$', re.M)
ENVIRONMENT = {"PROBE_COLOUR": "blue"}


@dataclass
class Outcome:
    output: str
    status: int


def probe_names(folder):
    return sorted(os.path.basename(path)[:-2] for path in glob.glob(os.path.join(folder, "probes", "*.c")))


def _source(folder, name):
    with open(os.path.join(folder, "probes", name + ".c"), encoding="utf-8") as source:
        return source.read()


def alone(folder, name):
    """The probe ends the program itself (exit, abort): it gets a boot of its own."""
    return "\n/* probe: alone */\n" in "\n" + _source(folder, name)


def enosys(folder, name):
    """What the probe prints in the unikernel where a feature is absent (fork, exec): the
    `/* probe: enosys "TEXT" */` line of its source, documented in docs/libc.md."""
    match = ENOSYS_MARK.search(_source(folder, name))
    return match.group(1) + "\n" if match else None


def _default_signals():
    """In the child before exec: no signal blocked, as a shell starts a program (a blocked
    mask is inherited, and `raise(SIGUSR1)` would then never reach the probe's handler)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def host_outcomes(folder, names, compiler="musl-gcc"):
    """Builds each probe with `musl-gcc -static` and runs it; {name: Outcome}."""
    outcomes = {}
    with tempfile.TemporaryDirectory(prefix="kraft-probes-") as scratch:
        for name in names:
            binary = os.path.join(scratch, name)
            build = process.run(
                [compiler, "-static", "-O2", "-o", binary, os.path.join(folder, "probes", name + ".c")]
            )
            if build.status != 0:
                outcomes[name] = Outcome("musl-gcc failed:\n" + build.output, -1)
                continue
            cwd = tempfile.mkdtemp(dir=scratch)
            done = subprocess.run(
                [binary], cwd=cwd, env=ENVIRONMENT, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60,
                preexec_fn=_default_signals,
            )
            # A shell's status for a signal: 128 + its number (abort: 134), as kraft run reports.
            status = done.returncode if done.returncode >= 0 else 128 - done.returncode
            outcomes[name] = Outcome(done.stdout.decode("utf-8", "replace"), status)
            shutil.rmtree(cwd, ignore_errors=True)
    return outcomes


def guest_sections(console, status=None):
    """{name: Outcome} from a runner's console output (kernel messages left out). A section
    without its trailer ended the program: its status is the boot's (`status`)."""
    console = KERNEL_LOG.sub("", console)
    outcomes = {}
    matches = list(SECTION.finditer(console))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(console)
        body = console[match.end() + 1 : end]
        trailer = TRAILER.search(body)
        if trailer:
            outcomes[match.group(1)] = Outcome(body[: trailer.start()], int(trailer.group(1)))
        elif status is not None:
            outcomes[match.group(1)] = Outcome(body, status)
    outcomes.pop("end", None)
    return outcomes


def compare(folder, names, host, guest):
    """(identical, absent, differing): lists of names. A probe of an absent feature counts as
    such when the guest printed exactly its documented failure and exited 0."""
    identical, absent, differing = [], [], []
    for name in names:
        mine, theirs = guest.get(name), host.get(name)
        expected = enosys(folder, name)
        if expected is not None:
            ok = mine is not None and mine.output == expected and mine.status == 0
            (absent if ok else differing).append(name)
        elif mine is not None and theirs is not None and (mine.output, mine.status) == (theirs.output, theirs.status):
            identical.append(name)
        else:
            differing.append(name)
    return identical, absent, differing


NAME = "posix probes identical to musl-gcc"
TARGET = "qemu/x86_64"
# Enough for mem_large's 16 MiB blocks with musl's allocator around them.
MEMORY = "256"


def guest_outcomes(kraft, project, names, alone_names):
    """Boots the image: once for every probe that returns, once per probe that ends the
    program itself. {name: Outcome}, or a string saying why it could not boot."""
    batch = kraft.command(["run", "-W", "-M", MEMORY, "--timeout", "300"], cwd=project.directory, timeout=400)
    if batch.timed_out:
        return "kraft run timed out"
    outcomes = guest_sections(batch.output)
    for name in alone_names:
        done = kraft.command(
            ["run", "-W", "-M", MEMORY, "--timeout", "120", "--", name], cwd=project.directory, timeout=200
        )
        # kraft's own stderr lines ("kraft: the application aborted") are not the program's.
        console = "".join(line for line in done.output.splitlines(True) if not line.startswith("kraft: "))
        outcomes.update(guest_sections(console, status=done.status))
    return outcomes


def measure(kraft, folder, work, log):
    """The figure: how many probes give musl-gcc's output and status in the unikernel."""
    subject = "posix-probes"
    if shutil.which("musl-gcc") is None:
        return [stats_unavailable(subject, "musl-gcc is not installed (Debian package musl-tools)")]
    try:
        project = Project.copy(kraft, folder, os.path.join(work, subject))
    except HarnessError as error:
        return [stats_unavailable(subject, str(error))]
    log(f"  {subject}: building the image of every probe")
    build = kraft.build(project, targets=[TARGET])
    if not build.ok:
        return [stats_unavailable(subject, "kraft build fails: " + build.completed.output[-300:])]
    names = probe_names(folder)
    log(f"  {subject}: {len(names)} probes, in the unikernel and with musl-gcc")
    guest = guest_outcomes(kraft, project, names, [n for n in names if alone(folder, n)])
    if isinstance(guest, str):
        return [stats_unavailable(subject, guest)]
    identical, absent, differing = compare(folder, names, host_outcomes(folder, names), guest)
    return [
        stats.figure(
            "posix", subject, TARGET, NAME, "count", [len(identical)],
            probes=len(names), documented_enosys=absent, differing=differing,
            score=f"{len(identical)} of {len(names) - len(absent)} identical, "
            f"{len(absent)} documented ENOSYS ({', '.join(absent)})",
        )
    ]


def stats_unavailable(subject, reason):
    return stats.unavailable("posix", subject, TARGET, NAME, reason)
