"""Runtime figures: bench/programs built twice, as a unikernel with the musl port (run under
QEMU TCG) and as a Linux process (`gcc -static -O2`). Each program times itself; the ratio
unikernel / host per benchmark is the figure (above 1: the unikernel is slower). `compute`
involves no kernel, so its ratio is the price of emulating the CPU, and each other ratio is
also given divided by it.

Per architecture: x86_64 (`qemu/x86_64` under qemu-system-x86_64, against the host's own
process) and arm64 (`qemu/arm64` under qemu-system-aarch64, against the same program built
with Debian's aarch64-linux-gnu-gcc and run under qemu-aarch64, user-mode TCG: the host has no
arm64 CPU, so both sides are emulated and the compute ratio is near 1 again).

x86_64 also runs its host program under qemu-x86_64 (the `tcg host` rows, and `tcg ratio`:
unikernel / that): TCG against TCG, as arm64's rows are, so what system-mode TCG charges the
unikernel (a software-TLB lookup per memory access, a block lookup per jump into another page)
stands apart from what the native process gains by not being emulated at all
(bench/insn-profile/runtime_profile.py counts both per operation)."""

import glob
import os
import re
import shutil
import statistics
from dataclasses import dataclass

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
    ("memcopy", "4 KiB copy, 8-byte words (memory emulation cost)"),
)
RESULT = re.compile(r"^bench (\S+) (\d+) iterations (\d+) ns\s*$", re.MULTILINE)
ERROR = re.compile(r"^bench-error (\S+): (.*)$", re.MULTILINE)
DATA_NAME = "bench.dat"
DATA_BYTES = 1 << 20
# malloc-mimalloc: the malloc benchmark in a second unikernel whose Kraftfile also lists the
# mimalloc port, which replaces musl's allocator (docs/libc.md, "The allocator"); the host side
# is the malloc row's (the same glibc program).
MIMALLOC = "mimalloc"
MIMALLOC_ENTRY = "  mimalloc: 2.0.9+ds\n"


@dataclass(frozen=True)
class Architecture:
    """One architecture's two sides: the unikernel's target, and how the host side is built
    and started."""

    name: str
    target: str
    compiler: str
    # The host side runs under this (user-mode QEMU) when the host cannot run it natively.
    emulator: tuple = ()
    # Prefix of the figures' `target` column ("host", "unikernel", "ratio" for x86_64).
    label: str = ""
    # When the host side runs natively: a user-mode QEMU to run it under as well, for a second
    # set of rows (`tcg host`, `tcg ratio`) that compares TCG with TCG.
    tcg_emulator: tuple = ()

    def host_command(self, binary, args, emulator=None):
        emulator = self.emulator if emulator is None else emulator
        return list(emulator) + [binary] + list(args)

    def describe_host(self, emulator=None):
        emulator = self.emulator if emulator is None else emulator
        how = f"under {emulator[0]} (user-mode TCG)" if emulator else "natively"
        return f"{os.path.basename(self.compiler)} -static -O2, run {how}"

    def host_sides(self):
        """(key in the measurements, emulator, label of its rows) for each host side."""
        sides = [("host", self.emulator, self.label)]
        if self.tcg_emulator:
            sides.append(("tcg host", self.tcg_emulator, self.label + "tcg "))
        return sides


X86_64 = Architecture("x86_64", "qemu/x86_64", "gcc", tcg_emulator=("qemu-x86_64",))
ARM64 = Architecture("arm64", "qemu/arm64", "aarch64-linux-gnu-gcc", ("qemu-aarch64",), "arm64 ")
ARCHITECTURES = (X86_64, ARM64)
# Kept for callers that name the x86_64 target.
TARGET = X86_64.target


def measure(kraft, programs, work, runs, log, architectures=ARCHITECTURES):
    """Both unikernels (musl's allocator and the mimalloc port) are one project each, built
    per architecture; each architecture's figures are normalised by its own compute ratio."""
    folder, data = make_folder(work, "runtime")
    extra_targets = [a.target for a in architectures if a.target != TARGET]
    base = copy_project(kraft, programs, folder, extra_targets)
    with_mimalloc = copy_project(kraft, programs, folder, extra_targets, MIMALLOC_ENTRY)
    figures = []
    for architecture in architectures:
        host, host_reason = build_host(programs, folder, architecture)
        unikernel, unikernel_reason = build_unikernel(kraft, base, architecture.target)
        mimalloc, mimalloc_reason = build_unikernel(kraft, with_mimalloc, architecture.target)
        log(
            f"  {architecture.name}: host program: {host_reason or 'built'}; unikernel: "
            f"{unikernel_reason or 'built'}; with mimalloc: {mimalloc_reason or 'built'}"
        )
        measured = {}
        for name, _ in BENCHMARKS:
            program = "malloc" if name == "malloc-mimalloc" else name
            args = [program] + ([data] if name == "fileread" else [])
            guest_args = [program] + (["/" + DATA_NAME] if name == "fileread" else [])
            image, image_reason = (
                (mimalloc, mimalloc_reason) if name == "malloc-mimalloc" else (unikernel, unikernel_reason)
            )
            measured[name] = {
                key: (
                    measured["malloc"][key]
                    if name == "malloc-mimalloc"
                    else repeat(runs, lambda: run_host(architecture, host, args, emulator))
                    if host and not missing_emulator(emulator)
                    else ([], host_reason or missing_emulator(emulator))
                )
                for key, emulator, _ in architecture.host_sides()
            }
            measured[name].update({
                "unikernel": (
                    repeat(runs, lambda: run_unikernel(kraft, image, architecture.target, guest_args))
                    if image
                    else ([], image_reason)
                ),
            })
        figures += _figures(measured, architecture)
    return figures


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


def build_host(programs, folder, architecture=X86_64):
    """The host side: the same sources as a static Linux program; or why it cannot be built
    or run here."""
    compiler = shutil.which(architecture.compiler)
    if not compiler:
        return None, f"{architecture.compiler} not found ({install_hint(architecture.compiler)})"
    if missing_emulator(architecture.emulator):
        return None, missing_emulator(architecture.emulator)
    binary = os.path.join(folder, "bench-host" + ("" if architecture == X86_64 else "-" + architecture.name))
    sources = sorted(glob.glob(os.path.join(programs, "*.c")))
    done = process.run(
        [compiler, "-static", "-O2", "-std=c11", "-DBENCH_PIN_CPU", "-o", binary] + sources + ["-lpthread"]
    )
    if done.status != 0:
        return None, f"{architecture.compiler} -static fails: " + stats.first_line(done.output)
    return binary, None


def missing_emulator(emulator):
    """Why a host side cannot run under `emulator` (none: it runs natively, or can)."""
    if emulator and not shutil.which(emulator[0]):
        return f"{emulator[0]} not found (apt-get install qemu-user)"
    return None


def install_hint(compiler):
    if compiler == "gcc":
        return "apt-get install gcc"
    # The cross compiler links static glibc from libc6-dev-<arch>-cross (scripts/install-deps.sh).
    return "scripts/install-deps.sh installs it"


def copy_project(kraft, programs, folder, extra_targets=(), extra_library=None):
    """The benchmark Kraftfile in a folder of its own, with `extra_targets` added and, with
    `extra_library` (a `libraries:` entry), a variant of it; or why it cannot be."""
    name = "unikernel" if not extra_library else "unikernel-" + extra_library.split(":")[0].strip()
    try:
        project = Project.copy(kraft, programs, os.path.join(folder, name), extra_targets=extra_targets)
        if extra_library:
            add_library(project.directory, extra_library)
    except HarnessError as error:
        return f"the benchmark Kraftfile is refused: {error}"
    shutil.copytree(os.path.join(folder, "rootfs"), os.path.join(project.directory, "rootfs"))
    fetch_failure = kraft.prepare(project)
    return fetch_failure or project


def build_unikernel(kraft, project, target):
    """Builds one target of a copied project (a string: why there is no project)."""
    if isinstance(project, str):
        return None, project
    build = kraft.build(project, targets=[target])
    if not build.ok:
        return None, f"the musl unikernel does not build for {target}: " + stats.first_line(
            build.completed.output
        )
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


def run_host(architecture, binary, args, emulator=None):
    return process.run(architecture.host_command(binary, args, emulator), timeout=120)


def run_unikernel(kraft, project, target, args):
    """Booted like the boot figures (launch.for_project); the program's own line is the
    figure, so how QEMU is started does not enter it."""
    launcher = launch.for_project(kraft, project, target, 64, cmd=args)
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


def _figures(measured, architecture=X86_64):
    """Each host side's rows in turn: its times, the unikernel's (with the first side only)
    and unikernel / host, also per that side's own compute ratio."""
    figures = []
    for key, emulator, label in architecture.host_sides():
        detail = {"host_side": architecture.describe_host(emulator), "unikernel_target": architecture.target}
        figures += _side_figures(measured, key, label, detail, with_unikernel=key == "host")
    return figures


def _side_figures(measured, key, label, detail, with_unikernel):
    def ratios(name):
        host, _ = measured[name][key]
        guest, _ = measured[name]["unikernel"]
        return [g / h for g, h in zip(guest, host)] if host and guest else []

    compute = ratios("compute")
    compute_ratio = statistics.median(compute) if compute else None
    sides = (("host", key), ("unikernel", "unikernel")) if with_unikernel else (("host", key),)
    figures = []
    for name, description in BENCHMARKS:
        subject = f"{name}: {description}"
        for side, source in sides:
            samples, reason = measured[name][source]
            if samples:
                figures.append(stats.figure(GROUP, subject, label + side, "time per operation", "ns", samples, **detail))
            else:
                figures.append(stats.unavailable(GROUP, subject, label + side, "time per operation", reason))
        host, host_reason = measured[name][key]
        guest, guest_reason = measured[name]["unikernel"]
        pairs = ratios(name)
        if not pairs:
            reason = guest_reason if not guest else host_reason
            figures.append(stats.unavailable(GROUP, subject, label + "ratio", "unikernel / host", reason))
            continue
        figures.append(stats.figure(GROUP, subject, label + "ratio", "unikernel / host", "ratio", pairs, **detail))
        if name != "compute" and compute_ratio:
            normalised = [r / compute_ratio for r in pairs]
            figures.append(
                stats.figure(
                    GROUP, subject, label + "ratio", "unikernel / host, per compute ratio", "ratio", normalised,
                    **detail,
                )
            )
    return figures
