#!/usr/bin/env python3
"""kraft's benchmark suite: one command, every figure measured the same way every time.

    bench/run                    # the whole suite: table on stdout, bench/results/latest.json
    bench/run --quick            # fewer runs, results under bench/work/ (a smoke check)

See bench/README.md for what each figure means and how to reproduce it by hand."""

import argparse
import datetime
import glob
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import boot, boot_counts, boots, cache, floor, http, http_load, machine, memory, nginx, posix_probes, python, redis, report, runtime, stats, tcg_count, toolchain  # noqa: E402
from harness.kraft import HarnessError, Kraft, Project  # noqa: E402

REPOSITORY = os.path.dirname(HERE)
# Scratch copies of the projects. A short path on purpose: kraft links an image with one
# command line naming every object, and under bench/work a musl image's line passed Linux's
# 128 KiB limit for one argument (ninja runs it through `sh -c`).
WORK = "/tmp/kraft-bench"
PROBES = os.path.join(REPOSITORY, "Tests", "Images", "posix-probes")
HTTP_PROJECT = os.path.join(REPOSITORY, "Tests", "Images", "http-c-shape")
HTTP_LOAD_PROJECT = os.path.join(REPOSITORY, "Tests", "Images", "net-http-load")
PYTHON_SCRIPT = os.path.join(HERE, "python", "bench.py")
ARM64_TARGET = "qemu/arm64"
# The examples after the hello and the first musl one get the same figures from fewer boots
# and one bisection each, so that every example fits in the suite's budget (issue 22).
LATER_BOOT_RUNS = 10
LATER_MEMORY_RUNS = 1


def parse_arguments():
    parser = argparse.ArgumentParser(prog="bench/run", description="Run kraft's benchmark suite.")
    parser.add_argument("--build-runs", type=int, default=5, help="runs per build figure")
    parser.add_argument("--boot-runs", type=int, default=20, help="boots per boot figure")
    parser.add_argument("--memory-runs", type=int, default=3, help="bisections per memory figure")
    parser.add_argument("--runtime-runs", type=int, default=5, help="runs per runtime figure")
    parser.add_argument(
        "--later-boot-runs", type=int, default=LATER_BOOT_RUNS,
        help="boots per boot figure for the examples after the hello and the first musl one",
    )
    parser.add_argument(
        "--later-memory-runs", type=int, default=LATER_MEMORY_RUNS,
        help="bisections per memory figure for those examples",
    )
    parser.add_argument(
        "--budget", type=float, default=420,
        help="seconds after which further examples are skipped (the suite's limit is 600)",
    )
    parser.add_argument("--kraft", help="a kraft binary to use instead of building one")
    parser.add_argument(
        "--example", action="append", help="only this example (folder name under examples/)"
    )
    parser.add_argument("--work", help=f"scratch folder, emptied first (default {WORK})")
    parser.add_argument(
        "--cache-parts", default="musl,openssl,four,team",
        help="with --only cache: which parts to measure, comma-separated (musl, openssl, four, team)")
    parser.add_argument("--results", default=os.path.join(HERE, "results"), help="output folder")
    parser.add_argument(
        "--quick", action="store_true", help="2 runs of everything, results to bench/work/quick"
    )
    parser.add_argument(
        "--only", choices=["posix-probes", "http", "nginx", "redis", "runtime", "memory", "python", "cache", "distcc"],
        help="measure this figure alone; results to bench/results/<figure>.json and .txt",
    )
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.build_runs = arguments.boot_runs = arguments.runtime_runs = 2
        arguments.later_boot_runs = 2
        arguments.memory_runs = arguments.later_memory_runs = 1
        arguments.results = os.path.join(HERE, "work", "quick")
    return arguments


class Clock:
    """Progress on stderr, with the time since the suite started."""

    def __init__(self):
        self.start = time.perf_counter()

    def __call__(self, message):
        print(f"[{time.perf_counter() - self.start:6.1f} s] {message}", file=sys.stderr, flush=True)


def examples(selected):
    folders = sorted(
        folder
        for folder in glob.glob(os.path.join(REPOSITORY, "examples", "*"))
        if os.path.isdir(folder)
        and any(os.path.exists(os.path.join(folder, n)) for n in ("Kraftfile", "kraft.yaml"))
    )
    if selected:
        folders = [f for f in folders if os.path.basename(f) in selected]
    return folders


def ensure_mirror(log):
    """Port sources come from Debian's source packages through kraft's mirrors, as in
    scripts/test.sh; the harness sets that up when the caller has not."""
    script = os.path.join(REPOSITORY, "scripts", "debian-mirror.sh")
    if os.environ.get("KRAFT_MIRRORS") or not os.path.exists(script):
        return
    # The script prints the KRAFT_MIRRORS value alone on stdout; its log goes to stderr.
    done = subprocess.run(
        ["bash", script, os.path.join(REPOSITORY, "mirror")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900,
    )
    value = done.stdout.decode().strip()
    if done.returncode == 0 and value:
        os.environ["KRAFT_MIRRORS"] = value
        log("port sources through KRAFT_MIRRORS=" + value)
    else:
        log("scripts/debian-mirror.sh failed: " + done.stderr.decode()[-300:])


def full_build_examples(folders):
    """The hello example and the first musl example get every build figure (issue 10)."""
    names = [os.path.basename(folder) for folder in folders]
    # The musl counterpart of hello world when there is one, else the first musl example.
    musl = sorted(
        (name for name in names if name.startswith("musl")),
        key=lambda name: (name not in ("musl-hello", "musl-helloworld", "musl-stdio"), name),
    )
    return {"helloworld"} | set(musl[:1])


# The examples whose boots are also counted (boot_counts.py: TCG's translation, QEMU's host
# instructions under valgrind): the smallest image, where the kernel's share is the boot.
COUNTED_EXAMPLES = ("helloworld",)


def measure_example(kraft, example, arguments, floors, floor_memory, log, counts=None):
    """The example's figures; its boot counts (COUNTED_EXAMPLES) are left in `counts` as
    (name, target, image, floor image) for the end of the suite: they take a minute or more
    under valgrind and are the same on every run, so they must not spend the budget the
    later examples need."""
    full = os.path.basename(example) in full_build_examples(examples(None))
    # An example asked for by name (--example) gets the full counts.
    boot_runs, memory_runs = example_runs(arguments, full or bool(arguments.example))
    figures, project = toolchain.measure(kraft, example, WORK, arguments.build_runs, log, full)
    targets = list(project.targets) if project else []
    arm64 = arm64_project(kraft, example, project, log)
    if isinstance(arm64, Project):
        targets.append(ARM64_TARGET)
        figures.append(arm64_image(arm64, os.path.basename(example)))
    elif project:
        figures.append(
            stats.unavailable("image", project.name, ARM64_TARGET, "stripped image size", arm64)
        )
    for target in targets:
        chosen = arm64 if target == ARM64_TARGET else project
        log(f"  {chosen.name}: boot and memory on {target}")
        floor_image = floors[target.split("/")[1]]
        figures += boots.measure_project(kraft, chosen, target, boot_runs, floor_image)
        if os.path.basename(example) in COUNTED_EXAMPLES and target in boot.MACHINES and counts is not None:
            counts.append((chosen.name, target, chosen.image(target), floor_image))
        figures.append(memory.measure(kraft, chosen, target, memory_runs))
        figures.append(floor_memory.figure(floor_image, chosen.name, target))
    if project and ARM64_TARGET not in targets:
        for name in boots.NAMES:
            figures.append(stats.unavailable("boot", project.name, ARM64_TARGET, name, arm64))
        figures.append(
            stats.unavailable("memory", project.name, ARM64_TARGET, memory.NAME, arm64)
        )
    return figures


def example_runs(arguments, primary):
    """Boots per boot figure and bisections per memory figure: the hello and the first musl
    example get the full counts, the later examples at most the --later-* ones."""
    if primary:
        return arguments.boot_runs, arguments.memory_runs
    return (
        min(arguments.boot_runs, arguments.later_boot_runs),
        min(arguments.memory_runs, arguments.later_memory_runs),
    )


def arm64_project(kraft, example, project, log):
    """The example with qemu/arm64 added to its targets, built once; or why it cannot be."""
    if project is None:
        return "the example does not build"
    if ARM64_TARGET in project.targets:
        return project
    folder = os.path.join(WORK, os.path.basename(example), "arm64")
    try:
        copy = Project.copy(kraft, example, folder, extra_targets=[ARM64_TARGET])
    except HarnessError as error:
        return f"cannot add the {ARM64_TARGET} target: {error}"
    build = kraft.build(copy, targets=[ARM64_TARGET])
    if not build.ok:
        reason = f"kraft build -t {ARM64_TARGET} fails: " + stats.first_line(build.completed.output)
        log("  " + reason)
        return reason
    return copy


def arm64_image(project, subject):
    libraries, loaded = toolchain.read_report(project.image(ARM64_TARGET) + ".report")
    size = os.path.getsize(project.image(ARM64_TARGET))
    return stats.figure(
        "image", subject, ARM64_TARGET, "stripped image size", "bytes", [size],
        libraries=libraries, loaded_bytes=loaded,
    )


def main():
    arguments = parse_arguments()
    log = Clock()
    global WORK
    if arguments.work:
        WORK = os.path.abspath(arguments.work)
    shutil.rmtree(WORK, ignore_errors=True)  # every run starts from fresh copies
    os.makedirs(WORK, exist_ok=True)
    try:
        kraft = (
            Kraft(REPOSITORY, os.path.abspath(arguments.kraft))
            if arguments.kraft
            else Kraft.build_tool(REPOSITORY, os.path.join(REPOSITORY, ".build-bench"), log)
        )
    except HarnessError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    ensure_mirror(log)
    results = {
        "schema": 1,
        "machine": machine.describe(REPOSITORY, floor.find_tool("clang") or "clang"),
        "kraft": machine.describe_tree(REPOSITORY),
        "settings": {
            "build_runs": arguments.build_runs,
            "boot_runs": arguments.boot_runs,
            "runtime_runs": arguments.runtime_runs,
            "jobs": 2,
            "kraft_binary": "debug build" if not arguments.kraft else arguments.kraft,
        },
        "figures": [],
    }
    figures = results["figures"]

    if arguments.only == "posix-probes":
        log("POSIX probes")
        figures += posix_probes.measure(kraft, PROBES, WORK, log)
        return finish(results, arguments, log, base="posix-probes")
    if arguments.only == "runtime":
        log("runtime micro-benchmarks")
        figures += runtime.measure(kraft, os.path.join(HERE, "programs"), WORK, arguments.runtime_runs, log)
        return finish(results, arguments, log, base="runtime")
    if arguments.only == "memory":
        log("smallest -m: hello, the first musl example and one malloc(64 MiB), beside QEMU's floor")
        floors = floor.build_floor_images(os.path.join(HERE, "floor"), os.path.join(WORK, "floor"))
        primary = sorted(full_build_examples(examples(None)))
        folders = [os.path.join(REPOSITORY, "examples", name) for name in primary]
        folders.append(os.path.join(HERE, "memory", "malloc64"))
        figures += memory.measure_alone(kraft, folders, WORK, floors, arguments.memory_runs, log)
        return finish(results, arguments, log, base="memory")
    if arguments.only == "http":
        # Not in the default suite: the Linux guest alone takes minutes to bisect under TCG.
        log("HTTP: kraft image against a Linux guest")
        floors = floor.build_floor_images(os.path.join(HERE, "floor"), os.path.join(WORK, "floor"))
        runs = 2 if arguments.quick else 3
        figures += http.measure(kraft, HTTP_PROJECT, os.path.join(WORK, "http"), floors, log, runs=runs)
        log("HTTP with many connections: the epoll server against the Linux guest")
        figures += http_load.measure(kraft, HTTP_LOAD_PROJECT, os.path.join(WORK, "http-load"), log, runs=runs)
        return finish(results, arguments, log, base="http")
    if arguments.only == "nginx":
        # Not in the default suite either: two servers, four wrk runs each, two bisections.
        log("nginx: kraft image against a Linux guest")
        recipe = os.path.join(REPOSITORY, "Ports", "nginx", "port.yaml")
        figures += nginx.measure(kraft, recipe, os.path.join(WORK, "nginx"), log, seconds=5 if arguments.quick else 10,
                                rounds_wanted=2 if arguments.quick else 3)
        return finish(results, arguments, log, base="nginx")
    if arguments.only == "cache":
        # Not in the default suite: several clean builds of musl and OpenSSL.
        log("compile cache: empty, warm, four targets, and a Redis team cache")
        figures += cache.measure(kraft, os.path.join(REPOSITORY, "examples"), os.path.join(WORK, "cache"), log,
                                 runs=2 if arguments.quick else 3, parts=arguments.cache_parts.split(","))
        return finish(results, arguments, log, base="cache")
    if arguments.only == "distcc":
        # Not in the default suite: clean builds of musl and OpenSSL (--quick: helloworld, 3 runs).
        example = "helloworld" if arguments.quick else "openssl"
        log(f"distributed compiles: {example}, three distccd helpers on loopback against one")
        figures += cache.distcc_measure(kraft, os.path.join(REPOSITORY, "examples"), os.path.join(WORK, "distcc"), log,
                                        example=example, runs=3 if arguments.quick else 2)
        return finish(results, arguments, log, base="distcc")
    if arguments.only == "python":
        # Not in the default suite: CPython's build alone is minutes, each CPU loop seconds under TCG.
        log("Python: the python template's image against the host's python3.11")
        floors = floor.build_floor_images(os.path.join(HERE, "floor"), os.path.join(WORK, "floor"))
        figures += python.measure(kraft, PYTHON_SCRIPT, os.path.join(WORK, "python"), floors, log,
                                  runs=2 if arguments.quick else 3)
        return finish(results, arguments, log, base="python")
    if arguments.only == "redis":
        # Not in the default suite either: two servers, four benchmarks and two bisections.
        log("Redis: kraft image against a Linux guest")
        figures += redis.measure(kraft, os.path.join(WORK, "redis"), log, rounds_wanted=2 if arguments.quick else 3)
        return finish(results, arguments, log, base="redis")

    log("QEMU floor images")
    floors = floor.build_floor_images(os.path.join(HERE, "floor"), os.path.join(WORK, "floor"))
    floor_memory = memory.FloorFigures(arguments.memory_runs)
    plugin, plugin_error = tcg_count.build_plugin(os.path.join(WORK, "tcg-plugin"))
    plugin = plugin or plugin_error

    # The hello and the first musl example first, then the runtime figures, then the other
    # examples while the time budget lasts.
    chosen = examples(arguments.example)
    primary = full_build_examples(examples(None))
    first = [e for e in chosen if os.path.basename(e) in primary]
    counts = []
    for example in first:
        log(f"example {os.path.basename(example)}")
        figures += measure_example(kraft, example, arguments, floors, floor_memory, log, counts)
    if not any(os.path.basename(e).startswith("musl") for e in examples(None)):
        figures.append(
            stats.unavailable(
                "toolchain", "musl example", "all", "clean build -j2",
                "no examples/musl-* in this tree yet; measured automatically once one exists",
            )
        )

    # --example measures the examples named and nothing else (--only runtime, posix-probes).
    if not arguments.example:
        log("runtime micro-benchmarks")
        figures += runtime.measure(kraft, os.path.join(HERE, "programs"), WORK, arguments.runtime_runs, log)

        log("POSIX probes")
        figures += posix_probes.measure(kraft, PROBES, WORK, log)

    for example in [e for e in chosen if e not in first]:
        name = os.path.basename(example)
        spent = time.perf_counter() - log.start
        if spent > arguments.budget:
            reason = (
                f"skipped: the suite's {arguments.budget:.0f} s budget was spent "
                f"({spent:.0f} s); measure it with bench/run --example {name}"
            )
            figures.append(stats.unavailable("all", name, "all", "every figure", reason))
            continue
        log(f"example {name}")
        figures += measure_example(kraft, example, arguments, floors, floor_memory, log, counts)

    for name, target, image, floor_image in counts:
        log(f"{name}: boot counts on {target}")
        figures += boot_counts.measure(name, target, image, floor_image, plugin)

    return finish(results, arguments, log)


def finish(results, arguments, log, base=None):
    """Writes the results: latest.* and a dated copy, or `<base>.*` for one figure alone."""
    results["duration_s"] = round(time.perf_counter() - log.start, 1)
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%MZ")
    table, written = report.write(results, arguments.results, stamp, bases=[base] if base else None)
    sys.stdout.write(table)
    log("wrote " + ", ".join(os.path.relpath(p, REPOSITORY) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
