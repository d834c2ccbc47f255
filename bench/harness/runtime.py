"""Runtime figures: bench/programs built twice, as a unikernel with the musl port (run under
QEMU TCG) and with the host's `gcc -static -O2` (run as a Linux process). Each program times
itself; the ratio unikernel / host per benchmark is the figure (above 1: the unikernel is
slower). `compute` involves no kernel, so its ratio is the price of emulating the CPU, and
each other ratio is also given divided by it."""

import glob
import os
import re
import shutil
import statistics

from . import launch, process, stats
from .kraft import HarnessError, Project

GROUP = "runtime"
BENCHMARKS = (
    ("syscall", "system-call round trip (getpid)"),
    ("malloc", "malloc + free"),
    ("malloc-mimalloc", "malloc + free, mimalloc port"),
    ("thread", "thread create + join"),
    ("switch", "context switch (sched_yield hand-over)"),
    ("fileread", "file read, 4 KiB (initrd / page cache)"),
    ("compute", "pure computation (CPU emulation cost)"),
)
RESULT = re.compile(r"^bench (\S+) (\d+) iterations (\d+) ns\s*$", re.MULTILINE)
ERROR = re.compile(r"^bench-error (\S+): (.*)$", re.MULTILINE)
DATA_NAME = "bench.dat"
DATA_BYTES = 1 << 20
TARGET = "qemu/x86_64"
# malloc-mimalloc: the malloc benchmark in a second unikernel whose Kraftfile also lists the
# mimalloc port, which replaces musl's allocator (docs/libc.md, "The allocator"); the host side
# is the malloc row's (the same glibc program).
MIMALLOC = "mimalloc"
MIMALLOC_ENTRY = "  mimalloc: 2.0.9+ds\n"


def measure(kraft, programs, work, runs, log):
    folder, data = make_folder(work, "runtime")
    host, host_reason = build_host(programs, folder)
    unikernel, unikernel_reason = build_unikernel(kraft, programs, folder)
    with_mimalloc, mimalloc_reason = build_unikernel(kraft, programs, folder, MIMALLOC_ENTRY)
    log(
        f"  host program: {host_reason or 'built'}; unikernel: {unikernel_reason or 'built'}; "
        f"with mimalloc: {mimalloc_reason or 'built'}"
    )

    measured = {}
    for name, _ in BENCHMARKS:
        program = "malloc" if name == "malloc-mimalloc" else name
        args = [program] + ([data] if name == "fileread" else [])
        guest_args = [program] + (["/" + DATA_NAME] if name == "fileread" else [])
        image, image_reason = (
            (with_mimalloc, mimalloc_reason) if name == "malloc-mimalloc" else (unikernel, unikernel_reason)
        )
        measured[name] = {
            "host": (
                measured["malloc"]["host"]
                if name == "malloc-mimalloc"
                else repeat(runs, lambda: run_host(host, args)) if host else ([], host_reason)
            ),
            "unikernel": (
                repeat(runs, lambda: run_unikernel(kraft, image, guest_args)) if image else ([], image_reason)
            ),
        }
    return _figures(measured)


def make_folder(work, name):
    """A fresh scratch folder with the rootfs the benchmark Kraftfile packs; and the data
    file's path in it."""
    folder = os.path.join(work, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "rootfs"))
    data = os.path.join(folder, "rootfs", DATA_NAME)
    with open(data, "wb") as file:
        # Deterministic content: the same bytes in every run and on every machine.
        file.write(bytes(range(256)) * (DATA_BYTES // 256))
    return folder, data


def build_host(programs, folder):
    gcc = shutil.which("gcc")
    if not gcc:
        return None, "gcc not found (apt-get install gcc)"
    binary = os.path.join(folder, "bench-host")
    sources = sorted(glob.glob(os.path.join(programs, "*.c")))
    done = process.run(
        [gcc, "-static", "-O2", "-std=c11", "-DBENCH_PIN_CPU", "-o", binary] + sources + ["-lpthread"]
    )
    if done.status != 0:
        return None, "gcc -static fails: " + stats.first_line(done.output)
    return binary, None


def build_unikernel(kraft, programs, folder, extra_library=None):
    """The benchmark Kraftfile's unikernel; with `extra_library` (a `libraries:` entry) added,
    a variant of it in a folder of its own."""
    name = "unikernel" if not extra_library else "unikernel-" + extra_library.split(":")[0].strip()
    try:
        project = Project.copy(kraft, programs, os.path.join(folder, name))
        if extra_library:
            add_library(project.directory, extra_library)
    except HarnessError as error:
        return None, f"the benchmark Kraftfile is refused: {error}"
    shutil.copytree(os.path.join(folder, "rootfs"), os.path.join(project.directory, "rootfs"))
    fetch_failure = kraft.prepare(project)
    if fetch_failure:
        return None, fetch_failure
    build = kraft.build(project, targets=[TARGET])
    if not build.ok:
        return None, "the musl unikernel does not build: " + stats.first_line(build.completed.output)
    return project, None


def add_library(directory, entry):
    """Adds `entry` under the copied Kraftfile's `libraries:`."""
    kraftfile = os.path.join(directory, "Kraftfile")
    with open(kraftfile) as file:
        text = file.read()
    if "\nlibraries:\n" not in text:
        raise HarnessError(f"{kraftfile} has no 'libraries:' section to add {entry.strip()} to")
    with open(kraftfile, "w") as file:
        file.write(text.replace("\nlibraries:\n", "\nlibraries:\n" + entry, 1))


def run_host(binary, args):
    return process.run([binary] + args, timeout=120)


def run_unikernel(kraft, project, args):
    """Booted like the boot figures (launch.for_project); the program's own line is the
    figure, so how QEMU is started does not enter it."""
    launcher = launch.for_project(kraft, project, TARGET, 64, cmd=args)
    result = launcher.boot(180)
    status = 0 if launcher.succeeded(result) else 1
    return process.Completed(status, result.output + result.errors, result.exit_ns, result.timed_out)


def repeat(runs, once):
    """ns per operation for each run, or the first failure's reason."""
    samples, reason = [], None
    for _ in range(runs):
        done = once()
        match = RESULT.search(done.output)
        if done.status == 0 and match:
            samples.append(int(match.group(3)) / int(match.group(2)))
            continue
        error = ERROR.search(done.output)
        reason = reason or (
            error.group(2) if error else f"exit status {done.status}: " + stats.first_line(done.output)
        )
    return samples, reason


def _figures(measured):
    def ratios(name):
        host, _ = measured[name]["host"]
        guest, _ = measured[name]["unikernel"]
        return [g / h for g, h in zip(guest, host)] if host and guest else []

    compute = ratios("compute")
    compute_ratio = statistics.median(compute) if compute else None
    figures = []
    for name, description in BENCHMARKS:
        host, host_reason = measured[name]["host"]
        guest, guest_reason = measured[name]["unikernel"]
        subject = f"{name}: {description}"
        for side, samples, reason in (("host", host, host_reason), ("unikernel", guest, guest_reason)):
            if samples:
                figures.append(stats.figure(GROUP, subject, side, "time per operation", "ns", samples))
            else:
                figures.append(stats.unavailable(GROUP, subject, side, "time per operation", reason))
        pairs = ratios(name)
        if not pairs:
            reason = guest_reason if not guest else host_reason
            figures.append(stats.unavailable(GROUP, subject, "ratio", "unikernel / host", reason))
            continue
        figures.append(stats.figure(GROUP, subject, "ratio", "unikernel / host", "ratio", pairs))
        if name != "compute" and compute_ratio:
            normalised = [r / compute_ratio for r in pairs]
            figures.append(
                stats.figure(
                    GROUP, subject, "ratio", "unikernel / host, per compute ratio", "ratio", normalised
                )
            )
    return figures
