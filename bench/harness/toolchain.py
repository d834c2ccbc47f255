"""Toolchain and image figures for one example: clean build, no-op rebuild, rebuild after
touching one source, a fresh project's build with a warm source cache, compiler invocations,
and the stripped image size (with bytes per library) of every target."""

import os
import re
import shutil

from . import stats
from .kraft import HarnessError, Project

GROUP = "toolchain"
FIGURES = (
    "clean build -j2",
    "no-op rebuild",
    "rebuild after touching one source",
    "fresh project, warm source cache",
    "compiler invocations per clean build",
)
LIBRARY_LINE = re.compile(r"^\s{4}(\S+)\s+(\d+)\s*$")
LOADED_LINE = re.compile(r"^\s*loaded sections:\s+(\d+) bytes")

# A figure's builds get about this many seconds: a clean build longer than 12 s gets fewer
# than five runs, so that a big port (musl) keeps the suite within its ten minutes; a figure
# always has at least two runs.
BUILD_SECONDS_BUDGET = 60.0


def runs_for(first_seconds, wanted):
    if first_seconds <= 0:
        return wanted
    return max(2, min(wanted, int(BUILD_SECONDS_BUDGET / first_seconds)))


def measure(kraft, example, work, wanted_runs, log, full=True):
    """Returns (figures, project); project is None when the example does not build. With
    `full` False only the image figures are taken, from one build: the build-speed figures
    are for the hello and the musl example, which keeps the suite within its budget."""
    subject = os.path.basename(example)
    try:
        project = Project.copy(kraft, example, os.path.join(work, subject, "project"))
    except HarnessError as error:
        return _all_unavailable(subject, str(error)), None
    # Untimed: proves the example builds and fills the source cache for ported libraries.
    fetch_failure = kraft.prepare(project)
    if fetch_failure:
        return _all_unavailable(subject, fetch_failure), None
    first = kraft.build(project)
    if not first.ok:
        reason = "kraft build fails: " + stats.first_line(first.completed.output)
        return _all_unavailable(subject, reason), None
    if not full:
        log(f"  {subject}: built in {first.completed.seconds:.1f} s (image figures only)")
        return [
            _image_figure(project, subject, target, [os.path.getsize(project.image(target))])
            for target in project.targets
        ], project
    runs = runs_for(first.completed.seconds, wanted_runs)
    log(f"  {subject}: first build {first.completed.seconds:.1f} s; {runs} runs per build figure")

    clean, invocations, sizes, failures = [], [], {t: [] for t in project.targets}, []
    for _ in range(runs):
        kraft.clean(project)
        build = kraft.build(project)
        if not build.ok:
            failures.append(stats.first_line(build.completed.output))
            continue
        clean.append(build.completed.seconds)
        invocations.append(build.compiler_invocations)
        for target in project.targets:
            sizes[target].append(os.path.getsize(project.image(target)))

    figures = []
    figures.append(_figure_or_reason(subject, "clean build -j2", "s", clean, failures))
    figures.append(
        _figure_or_reason(
            subject, "compiler invocations per clean build", "count", invocations, failures
        )
    )
    figures += _rebuilds(kraft, project, subject, runs)
    figures.append(_fresh_project(kraft, example, work, subject, runs))
    for target in project.targets:
        figures.append(_image_figure(project, subject, target, sizes[target]))
    return figures, project


def _rebuilds(kraft, project, subject, runs):
    noop, noop_compiled = [], []
    for _ in range(runs):
        build = kraft.build(project)
        if build.ok:
            noop.append(build.completed.seconds)
            noop_compiled.append(build.compiler_invocations)
    figures = [
        _figure_or_reason(
            subject, "no-op rebuild", "s", noop, ["kraft build failed"], compiled=noop_compiled
        )
    ]
    sources = project.app_sources()
    if not sources:
        figures.append(
            stats.unavailable(
                GROUP, subject, "all", "rebuild after touching one source", "the app has no .c file"
            )
        )
        return figures
    touched, compiled = [], []
    for _ in range(runs):
        os.utime(sources[0], None)
        build = kraft.build(project)
        if build.ok:
            touched.append(build.completed.seconds)
            compiled.append(build.compiler_invocations)
    figures.append(
        _figure_or_reason(
            subject,
            "rebuild after touching one source",
            "s",
            touched,
            ["kraft build failed"],
            source=os.path.relpath(sources[0], project.directory),
            compiled=compiled,
        )
    )
    return figures


def _fresh_project(kraft, example, work, subject, runs):
    """A new folder each time (no .unikraft/), after the first build filled the cache."""
    seconds, failures = [], []
    for index in range(runs):
        folder = os.path.join(work, subject, f"fresh-{index}")
        project = Project.copy(kraft, example, folder)
        failure = kraft.prepare(project)
        build = kraft.build(project)
        if failure:
            failures.append(failure)
        if build.ok:
            seconds.append(build.completed.seconds)
        else:
            failures.append(stats.first_line(build.completed.output))
        shutil.rmtree(folder, ignore_errors=True)
    return _figure_or_reason(subject, "fresh project, warm source cache", "s", seconds, failures)


def _image_figure(project, subject, target, sizes):
    name = "stripped image size"
    if not sizes:
        return stats.unavailable("image", subject, target, name, "no clean build succeeded")
    libraries, loaded = read_report(project.image(target) + ".report")
    return stats.figure(
        "image", subject, target, name, "bytes", sizes, libraries=libraries, loaded_bytes=loaded
    )


def read_report(path):
    """Bytes per library from kraft's `.report` (docs/building.md, Outputs)."""
    libraries, loaded = {}, None
    try:
        with open(path) as report:
            for line in report:
                match = LOADED_LINE.match(line)
                if match:
                    loaded = int(match.group(1))
                    continue
                match = LIBRARY_LINE.match(line)
                if match and loaded is not None:
                    libraries[match.group(1)] = int(match.group(2))
    except OSError:
        pass
    return libraries, loaded


def _figure_or_reason(subject, name, unit, samples, failures, **extra):
    if samples:
        return stats.figure(GROUP, subject, "all", name, unit, samples, **extra)
    reason = failures[0] if failures else "no run succeeded"
    return stats.unavailable(GROUP, subject, "all", name, reason)


def _all_unavailable(subject, reason):
    """Every figure of an example that does not build, each with the reason."""
    figures = [stats.unavailable(GROUP, subject, "all", name, reason) for name in FIGURES]
    figures.append(stats.unavailable("image", subject, "all", "stripped image size", reason))
    for name in ("boot to first line", "boot to exit"):
        figures.append(stats.unavailable("boot", subject, "all", name, reason))
    figures.append(stats.unavailable("memory", subject, "all", "smallest -m that runs the example", reason))
    return figures
