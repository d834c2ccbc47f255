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

    samples, probes = [], 0
    for _ in range(runs):
        low, high = 0, DEFAULT_MIB  # low fails (or is zero), high runs
        while high - low > 1:
            middle = (low + high) // 2
            probes += 1
            if runs_at(middle):
                high = middle
            else:
                low = middle
        samples.append(high)
    return stats.figure(
        GROUP, project.name, target, NAME, "MiB", samples, probes=probes, probe_timeout_s=timeout
    )
