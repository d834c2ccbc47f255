"""Python: the image of `kraft init --template python` (the python3 port's interpreter, the
standard library as .pyc files in the initrd) with bench/python/bench.py added to its rootfs.

Figures: the bytes of the kernel image and of the initrd, boot to the first line the starter
script prints over QEMU's floor (boots.py) and, beside it, the Linux guest's boot to the same
script's first line; the smallest -m that runs it (memory.py); and for each CPU loop of
bench.py the time of its timed round on four sides, run in turn:
- the unikernel (qemu-system-x86_64, TCG);
- the host's python3.11 inside a Linux guest (python_guest.py) under the same
  qemu-system-x86_64, machine, accelerator, -m and -smp: the equal-terms comparison, since
  both pay system-mode TCG's cost per memory access. Goal: unikernel / this side at most 1.1
  (issue 16);
- the same python3.11 as a Linux process under `qemu-x86_64` (user-mode TCG, which turns a
  guest load into a host load: context, not the goal's reference);
- the same python3.11 natively, for scale."""

import os
import shutil

from . import boot, boots, launch, linux_guest, memory, process, python_guest, runtime, stats
from .kraft import HarnessError, Project

GROUP = "python"
TARGET = "qemu/x86_64"
SUBJECT = "python template"
LOOPS = ("nbody", "spectral_norm", "fannkuch", "words")
HOST_PYTHON = "/usr/bin/python3.11"
QEMU_USER = "qemu-x86_64"
GUEST_SCRIPT = "/app/bench.py"
MEMORY_MIB = 64
# The CPU loops' -m, the same for the unikernel and the Linux guest: Debian's kernel with a
# small initramfs needs about 90 MiB to boot at all (results/http.txt), so 64 would not do.
LOOP_MEMORY_MIB = 256
# Debian's kernel boots in about 10 s under TCG on a quiet machine and several minutes at a
# load average of 30 (boots.py's 60 s is for unikernels).
LINUX_BOOT_TIMEOUT_S = 900
STARTER_SCRIPT = "/app/main.py"
UNIKERNEL = "unikernel"
LINUX_GUEST = "python3.11 in a Linux guest"
QEMU_USER_SIDE = "python3.11 under qemu-x86_64"
NATIVE = "python3.11 native"
# (side, ratio label, goal) for the unikernel's timed round over that side's.
RATIOS = (
    (LINUX_GUEST, "unikernel / python3.11 in a Linux guest (same QEMU, TCG)", "at most 1.1 (issue 16)"),
    (QEMU_USER_SIDE, "unikernel / python3.11 under qemu-x86_64", None),
    (NATIVE, "unikernel / python3.11 native", None),
)


def make_project(kraft, script, work):
    """`kraft init --template python`, with bench.py beside the starter's main.py."""
    starter = os.path.join(work, "starter")
    shutil.rmtree(starter, ignore_errors=True)
    os.makedirs(starter)
    done = kraft.command(["init", "--template", "python", "app"], cwd=starter)
    if done.status != 0:
        raise HarnessError("kraft init --template python fails: " + stats.first_line(done.output))
    shutil.copy(script, os.path.join(starter, "app", "rootfs", "app", "bench.py"))
    project = Project.copy(kraft, os.path.join(starter, "app"), os.path.join(work, "app"))
    failure = kraft.prepare(project)
    if failure:
        raise HarnessError(failure)
    # CPython is a few thousand compiles: an hour allows for a loaded 2-core machine.
    build = kraft.build(project, targets=[TARGET], timeout=3600)
    if build.completed.timed_out:
        raise HarnessError("kraft build did not finish within an hour")
    if not build.ok:
        raise HarnessError("kraft build fails: " + stats.first_line(build.completed.output))
    return project


def size_figures(project):
    image = project.image(TARGET)
    initrd = os.path.join(project.outdir, project.name + ".initrd")
    figures = [stats.figure(GROUP, SUBJECT, TARGET, "kernel image", "bytes", [os.path.getsize(image)])]
    if os.path.exists(initrd):
        figures.append(stats.figure(GROUP, SUBJECT, TARGET, "initrd (rootfs and stdlib)", "bytes",
                                    [os.path.getsize(initrd)]))
    else:
        figures.append(stats.unavailable(GROUP, SUBJECT, TARGET, "initrd (rootfs and stdlib)",
                                         f"kraft build wrote no {initrd}"))
    return figures


def sample_of(done):
    """(ns of the timed round, None) from one run's output, or (None, why not)."""
    match = runtime.RESULT.search(done.output)
    if done.status == 0 and match:
        return int(match.group(3)), None
    return None, f"exit status {done.status}: " + stats.first_line(done.output)


def alternating_samples(sides, runs):
    """{side: (samples, first failure's reason)} with the sides' runs taken in turn (one run
    of each side, then the next round), so changes in the machine's load hit them alike.
    `sides` is [(name, run_once, why it cannot run or None)]."""
    measured = {name: ([], missing) for name, _, missing in sides}
    for _ in range(runs):
        for name, run_once, missing in sides:
            if missing:
                continue
            sample, reason = sample_of(run_once())
            samples, first_reason = measured[name]
            if sample is not None:
                samples.append(sample)
            measured[name] = (samples, first_reason or reason)
    return measured


def ratio_figures(subject, measured):
    """The unikernel's timed round over each other side's, run by run."""
    guest, guest_reason = measured[UNIKERNEL]
    figures = []
    for side, label, goal in RATIOS:
        if side not in measured:
            continue
        other, other_reason = measured[side]
        if guest and other:
            extra = {"goal": goal} if goal else {}
            figures.append(stats.figure(GROUP, subject, "ratio", label, "ratio",
                                        [g / o for g, o in zip(guest, other)], **extra))
        else:
            figures.append(stats.unavailable(GROUP, subject, "ratio", label, guest_reason or other_reason))
    return figures


def unikernel_run(kraft, project, arguments):
    def run_once():
        launcher = launch.for_project(kraft, project, TARGET, LOOP_MEMORY_MIB, cmd=arguments)
        result = launcher.boot(1800)
        status = 0 if launcher.succeeded(result) else 1
        return process.Completed(status, result.output + result.errors, result.exit_ns, result.timed_out)

    return run_once


def linux_guest_run(guest, arguments, timeout=1800):
    """One boot of the Linux guest running python3.11 with `arguments`; QEMU exits 0 when
    /init powers the machine off."""
    def run_once():
        result = boot.boot_once(guest.command(arguments), timeout)
        failed = result.timed_out or result.status != 0
        return process.Completed(result.status or 1 if failed else 0, result.output + result.errors,
                                 result.exit_ns, result.timed_out)

    return run_once


def loop_figures(kraft, project, guest, guest_reason, runs):
    script = os.path.join(project.directory, "rootfs", "app", "bench.py")
    emulator = shutil.which(QEMU_USER)

    def sides(name):
        arguments = [GUEST_SCRIPT, name]
        return ((UNIKERNEL, unikernel_run(kraft, project, arguments), None),
                (LINUX_GUEST, linux_guest_run(guest, arguments) if guest else None, guest_reason),
                (QEMU_USER_SIDE, lambda: process.run([emulator, HOST_PYTHON, script, name], timeout=1800),
                 None if emulator else f"{QEMU_USER} not found (apt-get install qemu-user)"),
                (NATIVE, lambda: process.run([HOST_PYTHON, script, name], timeout=600), None))

    figures = []
    for name in LOOPS:
        subject = f"{name} (bench/python/bench.py)"
        measured = alternating_samples(sides(name), runs)
        for side, (samples, reason) in measured.items():
            if samples:
                figures.append(stats.figure(GROUP, subject, side, "timed round", "ns", samples))
            else:
                figures.append(stats.unavailable(GROUP, subject, side, "timed round", reason))
        figures += ratio_figures(subject, measured)
    return figures


def build_linux_guest(project, work):
    """(python_guest.Guest, None) or (None, why the Linux guest cannot be built)."""
    release, no_kernel = linux_guest.kernel_release()
    busybox = shutil.which("busybox")
    if no_kernel or not busybox:
        return None, no_kernel or "busybox not found (apt-get install busybox-static)"
    app = os.path.join(project.directory, "rootfs", "app")
    scripts = {GUEST_SCRIPT: (os.path.join(app, "bench.py"), ["words"]),
               STARTER_SCRIPT: (os.path.join(app, "main.py"), [])}
    initrd = os.path.join(work, "python-linux-initramfs.cpio")
    try:
        python_guest.build(release, busybox, scripts, initrd)
    except (OSError, ValueError) as error:
        return None, f"the Linux guest's initramfs cannot be built: {error}"
    return python_guest.Guest(os.path.join("/boot", "vmlinuz-" + release), initrd, LOOP_MEMORY_MIB), None


def linux_boot_figures(guest, guest_reason, runs):
    """The Linux guest's boot to the starter script's first line and to QEMU's exit (no floor
    subtracted: the unikernel's figures beside it carry the floor)."""
    names = ("boot to first line", "boot to exit")
    if not guest:
        return [stats.unavailable("boot", LINUX_GUEST, TARGET, name, guest_reason) for name in names]
    command = guest.command([STARTER_SCRIPT])
    boot.boot_once(command, LINUX_BOOT_TIMEOUT_S)  # untimed warm-up: page cache
    samples, failures = ([], []), []
    for _ in range(runs):
        result = boot.boot_once(command, LINUX_BOOT_TIMEOUT_S)
        if result.timed_out:
            failures.append(f"the boot took more than {LINUX_BOOT_TIMEOUT_S} s")
            continue
        if result.status != 0 or result.first_line_ns is None:
            failures.append(f"exit status {result.status}: " + stats.first_line(result.output + result.errors))
            continue
        samples[0].append(result.first_line_ns / 1e6)
        samples[1].append(result.exit_ns / 1e6)
    extra = {"machine": boot.MACHINES[TARGET], "method": f"Debian's kernel and initramfs, -m {guest.memory_mib}",
             "failed_runs": len(failures),
             "command": " ".join(os.path.basename(w) if os.path.isabs(w) else w for w in command)}
    return [stats.figure("boot", LINUX_GUEST, TARGET, name, "ms", values, **extra) if values
            else stats.unavailable("boot", LINUX_GUEST, TARGET, name, failures[0] if failures else "no run")
            for name, values in zip(names, samples)]


def measure(kraft, script, work, floors, log, runs=3):
    os.makedirs(work, exist_ok=True)
    if not os.access(HOST_PYTHON, os.X_OK):
        reason = f"{HOST_PYTHON} not found (apt-get install python3.11)"
        return [stats.unavailable(GROUP, SUBJECT, TARGET, "every figure", reason)]
    try:
        log("  building the python template's image")
        project = make_project(kraft, script, work)
    except (HarnessError, OSError) as error:
        return [stats.unavailable(GROUP, SUBJECT, TARGET, "every figure", str(error))]
    figures = size_figures(project)
    log("  boot to the starter script's first line")
    figures += boots.measure_project(kraft, project, TARGET, runs, floors.get("x86_64", "no floor image"),
                                     MEMORY_MIB)
    log("  smallest -m")
    figures.append(memory.measure(kraft, project, TARGET))
    log("  building the Linux guest with python3.11")
    guest, guest_reason = build_linux_guest(project, work)
    log("  the Linux guest's boot to the starter script's first line")
    figures += linux_boot_figures(guest, guest_reason, runs)
    log("  CPU loops, in turn: unikernel, python3.11 in a Linux guest, under qemu-x86_64, native")
    figures += loop_figures(kraft, project, guest, guest_reason, runs)
    return figures
