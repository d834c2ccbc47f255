"""Figures: a measured quantity with its samples, or the reason it could not be measured."""

import re
import statistics


def figure(group, subject, target, name, unit, samples, **extra):
    """A measured figure. Every figure keeps its samples; the median is the one quoted."""
    samples = list(samples)
    if not samples:
        raise ValueError(f"figure '{name}' has no samples")
    result = {
        "group": group,
        "subject": subject,
        "target": target,
        "name": name,
        "unit": unit,
        "runs": len(samples),
        "min": min(samples),
        "median": statistics.median(samples),
        "max": max(samples),
        "samples": samples,
    }
    result.update(extra)
    return result


def unavailable(group, subject, target, name, reason):
    """A figure that could not be measured, and why: never a made-up number."""
    return {
        "group": group,
        "subject": subject,
        "target": target,
        "name": name,
        # One line: reasons go into table cells.
        "unavailable": " ".join(str(reason).split()),
    }


def first_line(text, limit=200):
    """The first non-empty line that reads like an error, for an 'unavailable' reason."""
    # Progress lines name files (`[161/1395] CC musl src/errno/strerror.c`), not failures.
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not re.match(r"^\[\d+/\d+\] ", line)
    ]
    for line in lines:
        lowered = line.lower()
        if any(word in lowered for word in ("error", "fatal", "failed", "cannot")):
            return line[:limit]
    return (lines[-1] if lines else "no output")[:limit]
