"""Python: the image of `kraft init --template python` (the python3 port's interpreter, the
standard library as .pyc files in the initrd) with bench/python/bench.py added to its rootfs.

Figures: the bytes of the kernel image and of the initrd, boot to the first line the starter
script prints over QEMU's floor (boots.py), the smallest -m that runs it (memory.py), and for
each CPU loop of bench.py the time of its timed round on three sides:
- the unikernel (QEMU system emulation, TCG);
- Debian's python3.11 as a Linux process under `qemu-x86_64`, QEMU's user-mode emulation: the
  same TCG translating the same instruction set, so the ratio unikernel / this side compares
  the two Pythons and what runs under them, not the cost of emulation. Goal: at most 1.1
  (issue 16). (The C compute ratio of the runtime figures does not transfer: an interpreter's
  indirect branches cost TCG far more than a tight integer loop does.)
- the same python3.11 natively, for scale."""

import os
import shutil

from . import boots, launch, memory, process, runtime, stats
from .kraft import HarnessError, Project

GROUP = "python"
TARGET = "qemu/x86_64"
SUBJECT = "python template"
LOOPS = ("nbody", "spectral_norm", "fannkuch", "words")
HOST_PYTHON = "/usr/bin/python3.11"
QEMU_USER = "qemu-x86_64"
GUEST_SCRIPT = "/app/bench.py"
MEMORY_MIB = 64


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


def loop_samples(run_once, runs):
    """ns of the timed round for each run, or the first failure's reason."""
    samples, reason = [], None
    for _ in range(runs):
        done = run_once()
        match = runtime.RESULT.search(done.output)
        if done.status == 0 and match:
            samples.append(int(match.group(3)))
        else:
            reason = reason or f"exit status {done.status}: " + stats.first_line(done.output)
    return samples, reason


def loop_figures(kraft, project, runs):
    script = os.path.join(project.directory, "rootfs", "app", "bench.py")
    emulator = shutil.which(QEMU_USER)

    def sides(name):
        def native():
            return process.run([HOST_PYTHON, script, name], timeout=600)

        def emulated():
            return process.run([emulator, HOST_PYTHON, script, name], timeout=1800)

        def unikernel():
            launcher = launch.for_project(kraft, project, TARGET, MEMORY_MIB, cmd=[GUEST_SCRIPT, name])
            result = launcher.boot(1800)
            status = 0 if launcher.succeeded(result) else 1
            return process.Completed(status, result.output + result.errors, result.exit_ns, result.timed_out)

        return (("unikernel", unikernel, None),
                ("python3.11 under qemu-x86_64", emulated,
                 None if emulator else f"{QEMU_USER} not found (apt-get install qemu-user)"),
                ("python3.11 native", native, None))

    figures = []
    for name in LOOPS:
        subject = f"{name} (bench/python/bench.py)"
        measured = {}
        for side, run_once, missing in sides(name):
            samples, reason = ([], missing) if missing else loop_samples(run_once, runs)
            measured[side] = (samples, reason)
            if samples:
                figures.append(stats.figure(GROUP, subject, side, "timed round", "ns", samples))
            else:
                figures.append(stats.unavailable(GROUP, subject, side, "timed round", reason))
        guest, guest_reason = measured["unikernel"]
        for side, label, goal in (("python3.11 under qemu-x86_64", "unikernel / python3.11 under TCG",
                                   "at most 1.1 (issue 16)"),
                                  ("python3.11 native", "unikernel / python3.11 native", None)):
            other, other_reason = measured[side]
            if guest and other:
                extra = {"goal": goal} if goal else {}
                figures.append(stats.figure(GROUP, subject, "ratio", label, "ratio",
                                            [g / o for g, o in zip(guest, other)], **extra))
            else:
                figures.append(stats.unavailable(GROUP, subject, "ratio", label, guest_reason or other_reason))
    return figures


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
    log("  CPU loops: unikernel, python3.11 under qemu-x86_64, python3.11 native")
    figures += loop_figures(kraft, project, runs)
    return figures
