"""The smallest guest memory (`-m`, MiB) at which an image still runs its example to the
end: same output lines and exit status as at the default 64 MiB, found by bisection."""

from . import launch, stats

GROUP = "memory"
NAME = "smallest -m that runs the example"
DEFAULT_MIB = 64


def measure(kraft, project, target, runs=1):
    def launcher(mib):
        return launch.for_project(kraft, project, target, mib)

    reference_launcher = launcher(DEFAULT_MIB)
    reference = reference_launcher.boot(60)
    if not reference_launcher.succeeded(reference):
        reason = "does not run at 64 MiB: " + launch.failure_reason(reference, reference_launcher)
        return stats.unavailable(GROUP, project.name, target, NAME, reason)
    lines = reference.app_lines()
    # A too-small guest may hang rather than fail; a probe gets a generous multiple of a
    # normal run before it counts as a failure.
    timeout = max(3.0, 10 * reference.exit_ns / 1e9)

    def runs_at(mib):
        chosen = launcher(mib)
        return chosen.succeeded(chosen.boot(timeout), lines)

    samples, probes = [], []
    for _ in range(runs):
        smallest, tried = bisect(runs_at, 0, DEFAULT_MIB)
        samples.append(smallest)
        probes.append(tried)
    return stats.figure(
        GROUP, project.name, target, NAME, "MiB", samples, probes=probes, probe_timeout_s=timeout
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
