"""Boot figures: time to the app's first line and to exit, and the CPU time QEMU used, for
each target's machine, next to QEMU's floor for that machine. Image and floor boots
alternate, so both see the same machine load, and the per-pair difference is a figure of its
own. The CPU time (user + system) does not count the time QEMU waited for a core, so on a
shared machine its difference over the floor spreads less than the wall clock's (not enough
to resolve a millisecond here: boot_counts.py's counts do)."""

import re

from . import boot, launch, stats

GROUP = "boot"
BOOT_TIMEOUT_S = 60
NAMES = ("boot to first line", "boot to exit", "QEMU CPU time (user + system)")
GUEST_NAME = "guest clock: first instruction to main"
# kcore_start's line at loglevel=info; the guest's monotonic clock starts at the first
# instruction of the kernel's entry (rdtsc on x86_64, cntvct on arm64).
MAIN_REACHED = re.compile(r"kraft: main reached (\d+) ns after the first instruction")


def measure_project(kraft, project, target, runs, floor_image, memory_mib=64):
    machine = boot.MACHINES.get(target)
    subject = project.name
    if machine is None:
        reason = f"no QEMU machine boots '{target}'"
        return [stats.unavailable(GROUP, subject, target, name, reason) for name in NAMES]
    image = launch.for_project(kraft, project, target, memory_mib)
    floor = launch.for_image(target, floor_image, memory_mib) if floor_image.startswith("/") else None

    # Untimed warm-ups: QEMU, the images and the firmware into the page cache.
    warm_up = image.boot(BOOT_TIMEOUT_S)
    if not image.succeeded(warm_up):
        reason = launch.failure_reason(warm_up, image)
        return [stats.unavailable(GROUP, subject, target, name, reason) for name in NAMES]
    reference = warm_up.app_lines()
    floor_reason = None if floor else floor_image
    if floor:
        floor_warm_up = floor.boot(BOOT_TIMEOUT_S)
        if not floor.succeeded(floor_warm_up):
            floor_reason = launch.failure_reason(floor_warm_up, floor)
            floor = None
        floor_reference = floor_warm_up.app_lines()

    samples = {side: tuple([] for _ in NAMES) for side in ("image", "floor", "over")}
    failures = []
    for _ in range(runs):
        result = image.boot(BOOT_TIMEOUT_S)
        if not image.succeeded(result, reference) or result.first_line_ns is None:
            failures.append(launch.failure_reason(result, image))
            continue
        measured = _measured(result)
        for index, value in enumerate(measured):
            samples["image"][index].append(value)
        if floor:
            stub = floor.boot(BOOT_TIMEOUT_S)
            if floor.succeeded(stub, floor_reference) and stub.first_line_ns is not None:
                for index, value in enumerate(_measured(stub)):
                    samples["floor"][index].append(value)
                    samples["over"][index].append(measured[index] - value)

    extra = {
        "machine": machine,
        "method": image.method,
        "command": launch.describe(image),
        "failed_runs": len(failures),
    }
    figures = []
    for index, name in enumerate(NAMES):
        figures.append(_figure(subject, target, name, samples["image"][index], failures, extra))
    floor_extra = {"machine": machine, "method": "qemu", "image": "bench/floor"}
    for index, name in enumerate(NAMES):
        floor_failures = [floor_reason] if floor_reason else ["no floor boot succeeded"]
        figures.append(
            _figure(
                subject, target, f"QEMU floor: {name}", samples["floor"][index], floor_failures, floor_extra
            )
        )
    for index, name in enumerate(NAMES):
        figures.append(
            _figure(
                subject, target, f"{name}, over the floor", samples["over"][index],
                [floor_reason or "no floor boot succeeded"], {"machine": machine, "paired": True},
            )
        )
    figures.append(_guest_figure(image, subject, target, runs, machine))
    return figures


def _measured(result):
    """The figures of NAMES for one boot, in ms."""
    return (result.first_line_ns / 1e6, result.exit_ns / 1e6, result.cpu_ns / 1e6)


def _guest_figure(image, subject, target, runs, machine):
    """The kernel's own share of the boot, from the guest's cycle counter: what QEMU's
    floor does not include (the firmware and QEMU's start-up come before the first
    instruction)."""
    if not image.method.startswith("qemu"):
        reason = "booted through kraft run, which passes no kernel arguments"
        return stats.unavailable(GROUP, subject, target, GUEST_NAME, reason)
    command = with_kernel_argument(image.command, "loglevel=info")
    verbose = launch.Launcher(command, image.expected_status, image.method)
    samples, failures = [], []
    for _ in range(runs):
        result = verbose.boot(BOOT_TIMEOUT_S)
        found = MAIN_REACHED.search(result.output)
        if not verbose.succeeded(result):
            failures.append(launch.failure_reason(result, verbose))
            continue
        if not found:
            failures.append("the boot printed no 'kraft: main reached' line at loglevel=info")
            continue
        samples.append(int(found.group(1)) / 1e6)
    extra = {"machine": machine, "clock": "guest", "failed_runs": len(failures)}
    return _figure(subject, target, GUEST_NAME, samples, failures or ["no 'main reached' line"], extra)


def with_kernel_argument(command, argument):
    """QEMU's command with argument among the kernel's words of -append. The kernel reads
    words before `--` as its own and, without `--`, gives every word to the application
    (Kernel/lib/kcore/cmdline.c): a line with no `--` gets one after the argument."""
    command = list(command)
    if "-append" not in command:
        return command + ["-append", f"{argument} --"]
    index = command.index("-append") + 1
    words = command[index].split()
    if "--" in words:
        command[index] = f"{argument} {command[index]}"
    else:
        command[index] = " ".join([argument, "--", *words])
    return command


def _figure(subject, target, name, samples, failures, extra):
    if samples:
        return stats.figure(GROUP, subject, target, name, "ms", samples, **extra)
    reason = failures[0] if failures else "the app printed no line"
    return stats.unavailable(GROUP, subject, target, name, reason)
