"""The smallest guest memory (`-m`) at which an image still runs its example to the end: same
output lines and exit status as at the default 64 MiB, found by bisection in 64 KiB steps
(QEMU accepts `-m 1152K`). QEMU's floor stub gets the same measurement, so an image's figure
reads against what QEMU itself needs on that machine."""

import os

from . import launch, stats
from .kraft import HarnessError, Project

GROUP = "memory"
NAME = "smallest -m that runs the example"
FLOOR_NAME = "QEMU floor: smallest -m"
DEFAULT_MIB = 64
# --only memory: malloc64 cannot run in 64 MiB, so every program is bisected below 128 MiB.
ALONE_REFERENCE_MIB = 128
STEP_KIB = 64
STEPS_PER_MIB = 1024 // STEP_KIB
ARM64_TARGET = "qemu/arm64"


def qemu_size(steps):
    """`-m` for QEMU: K units, so sizes below and between MiB work."""
    return f"{steps * STEP_KIB}K"


def measure(kraft, project, target, runs=1, reference_mib=DEFAULT_MIB):
    def launcher(size):
        return launch.for_project(kraft, project, target, size)

    return _smallest(launcher, project.name, target, NAME, runs, reference_mib)


def measure_floor(floor_image, subject, target, runs=1):
    """The floor stub's smallest -m on target (an error text instead of a path: unavailable)."""
    if not floor_image.startswith("/"):
        return stats.unavailable(GROUP, subject, target, FLOOR_NAME, floor_image)

    def launcher(size):
        return launch.for_image(target, floor_image, size)

    return _smallest(launcher, subject, target, FLOOR_NAME, runs)


class FloorFigures:
    """QEMU's floor stub needs the same memory on a machine whatever example it is measured
    beside, so a run bisects it once per target and repeats that figure for the other
    examples, naming the example it was measured with (`measured_with`)."""

    def __init__(self, runs, measure=None):
        self.runs = runs
        self.known = {}
        self._measure = measure or measure_floor

    def figure(self, floor_image, subject, target):
        if target not in self.known:
            self.known[target] = self._measure(floor_image, subject, target, self.runs)
        first = self.known[target]
        figure = dict(first, subject=subject)
        if first["subject"] != subject:
            figure["measured_with"] = first["subject"]
        return figure


def _smallest(launcher, subject, target, name, runs, reference_mib=DEFAULT_MIB):
    """Bisects (0, reference_mib] against the output of a boot at reference_mib."""
    reference_launcher = launcher(reference_mib)
    reference = reference_launcher.boot(60)
    if not reference_launcher.succeeded(reference):
        reason = f"does not run at {reference_mib} MiB: " + launch.failure_reason(
            reference, reference_launcher
        )
        return stats.unavailable(GROUP, subject, target, name, reason)
    lines = reference.app_lines()
    # A too-small guest may hang rather than fail; a probe gets a generous multiple of a
    # normal run before it counts as a failure.
    timeout = max(3.0, 10 * reference.exit_ns / 1e9)

    def runs_at(steps):
        chosen = launcher(qemu_size(steps))
        return chosen.succeeded(chosen.boot(timeout), lines)

    samples, probes = [], []
    for _ in range(runs):
        smallest, tried = bisect(runs_at, 0, reference_mib * STEPS_PER_MIB)
        samples.append(smallest * STEP_KIB)
        probes.append(tried)
    return stats.figure(
        GROUP, subject, target, name, "KiB", samples, probes=probes, probe_timeout_s=timeout
    )


def bisect(runs_at, low, high):
    """The smallest size in (low, high] for which `runs_at` holds, given that it holds at
    `high` and that more memory never hurts; and the number of probes it took."""
    probes = 0
    while high - low > 1:
        middle = (low + high) // 2
        probes += 1
        if runs_at(middle):
            high = middle
        else:
            low = middle
    return high, probes


def measure_alone(kraft, folders, work, floors, runs, log):
    """`bench/run --only memory`: the smallest -m of each project folder on its x86_64 targets
    and on qemu/arm64 (added to a copy of its Kraftfile), each beside QEMU's floor on the same
    machine, without the build and boot figures."""
    figures = []
    floor_figures = FloorFigures(runs)
    for folder in folders:
        subject = os.path.basename(folder)
        try:
            destination = os.path.join(work, "memory", subject)
            project = Project.copy(kraft, folder, destination, extra_targets=[ARM64_TARGET])
        except HarnessError as error:
            figures.append(stats.unavailable(GROUP, subject, "all", NAME, str(error)))
            continue
        targets = [t for t in project.targets if t.endswith("/x86_64") or t == ARM64_TARGET]
        build = kraft.build(project, targets=targets)
        for target in targets:
            if not build.ok:
                done = build.completed
                reason = (
                    f"the build timed out after {done.seconds:.0f} s"
                    if done.timed_out
                    else "does not build: " + stats.first_line(done.output)
                )
                figures.append(stats.unavailable(GROUP, project.name, target, NAME, reason))
                continue
            log(f"  {project.name}: smallest -m on {target}")
            figures.append(measure(kraft, project, target, runs, ALONE_REFERENCE_MIB))
            floor_image = floors[target.split("/")[1]]
            figures.append(floor_figures.figure(floor_image, project.name, target))
    return figures
