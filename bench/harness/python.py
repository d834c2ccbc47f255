"""Python: the image of `kraft init --template python` (the python3 port's interpreter, the
standard library zipped in the initrd) with bench/python/bench.py added to its rootfs.

Figures: the bytes of the kernel image and of the initrd, boot to the first line the starter
script prints over QEMU's floor (boots.py), the smallest -m that runs it (memory.py), and for
each CPU loop of bench.py the time in the unikernel against the host's python3.11. Those run
under QEMU TCG against natively, so, as the runtime figures do, each ratio is also divided by
the compute ratio of bench/programs (the price of emulating the CPU, measured in the same run);
the goal is that quotient within 10% of 1 (issue 16)."""

import os
import shutil
import statistics

from . import boots, launch, memory, process, runtime, stats
from .kraft import HarnessError, Project

GROUP = "python"
TARGET = "qemu/x86_64"
SUBJECT = "python template"
LOOPS = ("nbody", "spectral_norm", "fannkuch", "words")
HOST_PYTHON = "/usr/bin/python3.11"
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


def loop_figures(kraft, project, compute_ratio, compute_reason, runs):
    def host(name):
        return process.run([HOST_PYTHON, project_script(project), name], timeout=600)

    def guest(name):
        launcher = launch.for_project(kraft, project, TARGET, MEMORY_MIB, cmd=[GUEST_SCRIPT, name])
        result = launcher.boot(900)
        status = 0 if launcher.succeeded(result) else 1
        return process.Completed(status, result.output + result.errors, result.exit_ns, result.timed_out)

    figures = []
    for name in LOOPS:
        subject = f"{name} (bench/python/bench.py)"
        host_ns, host_reason = loop_samples(lambda: host(name), runs)
        guest_ns, guest_reason = loop_samples(lambda: guest(name), runs)
        for side, samples, reason in (("host python3.11", host_ns, host_reason),
                                      ("unikernel", guest_ns, guest_reason)):
            if samples:
                figures.append(stats.figure(GROUP, subject, side, "timed round", "ns", samples))
            else:
                figures.append(stats.unavailable(GROUP, subject, side, "timed round", reason))
        if not host_ns or not guest_ns:
            figures.append(stats.unavailable(GROUP, subject, "ratio", "unikernel / host",
                                             guest_reason or host_reason))
            continue
        pairs = [g / h for g, h in zip(guest_ns, host_ns)]
        figures.append(stats.figure(GROUP, subject, "ratio", "unikernel / host", "ratio", pairs))
        if compute_ratio:
            figures.append(stats.figure(GROUP, subject, "ratio", "unikernel / host, per compute ratio",
                                        "ratio", [r / compute_ratio for r in pairs],
                                        compute_ratio=compute_ratio, goal="at most 1.1 (issue 16)"))
        else:
            figures.append(stats.unavailable(GROUP, subject, "ratio", "unikernel / host, per compute ratio",
                                             compute_reason))
    return figures


def project_script(project):
    return os.path.join(project.directory, "rootfs", "app", "bench.py")


def compute_ratio(kraft, programs, work, runs):
    """The C compute loop's unikernel / host ratio (runtime.py), or None and why."""
    folder, _ = runtime.make_folder(work, "compute")
    host, host_reason = runtime.build_host(programs, folder)
    guest, guest_reason = runtime.build_unikernel(kraft, programs, folder)
    if not host or not guest:
        return None, "the compute program does not build: " + (host_reason or guest_reason)
    host_ns, reason = runtime.repeat(runs, lambda: runtime.run_host(host, ["compute"]))
    guest_ns, guest_reason = runtime.repeat(runs, lambda: runtime.run_unikernel(kraft, guest, ["compute"]))
    if not host_ns or not guest_ns:
        return None, "the compute loop does not run: " + (guest_reason or reason)
    return statistics.median(g / h for g, h in zip(guest_ns, host_ns)), None


def measure(kraft, script, programs, work, floors, log, runs=3):
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
    log("  the C compute ratio (bench/programs)")
    ratio, ratio_reason = compute_ratio(kraft, programs, work, runs)
    log(f"  compute ratio {ratio:.1f}" if ratio else f"  compute ratio unavailable: {ratio_reason}")
    log("  CPU loops: unikernel against the host's python3.11")
    figures += loop_figures(kraft, project, ratio, ratio_reason, runs)
    return figures
