"""Side-by-side rounds: each side (the kraft image, the Linux guest) measured in turn, round after
round, so that a machine whose speed drifts during the bench (other work starting or ending)
moves both sides alike, and each round gives one ratio. The ratio quoted is the median of the
rounds' ratios; their minimum and maximum show how far one run can be trusted."""

from . import stats


def alternate(sides, rounds, log):
    """{side name: [result of each round]} with `sides` a list of (name, measure_once); a
    result is None when that round could not measure its side. Every side runs once per round,
    in the order given."""
    results = {name: [] for name, _ in sides}
    for number in range(1, rounds + 1):
        for name, measure_once in sides:
            log(f"  round {number} of {rounds}: {name}")
            results[name].append(measure_once())
    return results


def ratio_figure(group, target, name, mine, theirs, goal):
    """The per-round ratios of two lists of per-round figures (None where a round gave none),
    as one figure; unavailable when no round measured both sides."""
    ratios = [m / t for m, t in zip(mine, theirs) if m is not None and t]
    if not ratios:
        return stats.unavailable(group, "kraft vs linux", target, name, "needs both sides' figure in one round")
    extra = {"goal": goal}
    if len(ratios) < len(mine):
        extra["failed_runs"] = len(mine) - len(ratios)
    return stats.figure(group, "kraft vs linux", target, name, "ratio", ratios, **extra)
