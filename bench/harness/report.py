"""The results as a table (for people) and JSON (for tools and history)."""

import json
import os

COLUMNS = ("group", "subject", "target", "figure", "median", "min", "max", "runs", "note")


def format_value(value, unit):
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "ns" and value >= 1e4:
        return f"{value / 1e3:.1f} us"
    if unit == "ns":
        return f"{value:.1f} ns"
    if unit == "ratio":
        return f"x{value:.2f}"
    if unit == "bytes":
        return f"{int(value)} B"
    if unit == "MiB":
        return f"{int(value)} MiB"
    if unit == "KiB":
        return f"{int(value)} KiB"
    if unit == "req/s":
        return f"{value:.0f} req/s"
    if unit == "count":
        return f"{int(value)}"
    if unit == "instructions":
        return f"{int(value):,} insns"
    return f"{value} {unit}"


def _note(figure):
    if "unavailable" in figure:
        return "unavailable: " + figure["unavailable"]
    notes = []
    if figure["group"] == "boot" and "machine" in figure:
        via = f" via {figure['method']}" if "method" in figure else ""
        notes.append(f"{figure['machine']}{via}")
    if "blocks" in figure:
        notes.append(f"in {figure['blocks']} translated blocks")
    if figure.get("counted"):
        notes.append(f"counted, -m {figure['memory_mib']}")
    if figure.get("libraries"):
        parts = [f"{name} {size}" for name, size in figure["libraries"].items()]
        notes.append("loaded: " + ", ".join(parts))
    if "compiled" in figure:
        notes.append("compiled " + "/".join(str(c) for c in sorted(set(figure["compiled"]))))
    if figure.get("failed_runs"):
        notes.append(f"{figure['failed_runs']} runs failed")
    if "measured_with" in figure:
        notes.append("measured once, with " + figure["measured_with"])
    if "goal" in figure:
        notes.append("goal " + figure["goal"])
    if figure.get("errors"):
        notes.append(f"{figure['errors']} errors")
    if "score" in figure:
        notes.append(figure["score"])
        if figure.get("differing"):
            notes.append("differing: " + ", ".join(figure["differing"]))
    return "; ".join(notes)


def rows(figures):
    table = []
    for figure in figures:
        unit = figure.get("unit")
        measured = "median" in figure
        table.append(
            (
                figure["group"],
                figure["subject"],
                figure["target"],
                figure["name"],
                format_value(figure["median"], unit) if measured else "-",
                format_value(figure["min"], unit) if measured else "-",
                format_value(figure["max"], unit) if measured else "-",
                str(figure["runs"]) if measured else "0",
                _note(figure),
            )
        )
    return table


def collapsed(table):
    """Consecutive unavailable rows of one subject with one reason become a single row, so
    an example that does not build takes one line, not ten."""
    merged = []
    for row in table:
        previous = merged[-1] if merged else None
        if (
            previous
            and row[-1].startswith("unavailable")
            and previous[0][-1] == row[-1]
            and previous[0][1] == row[1]
        ):
            previous.append(row)
            continue
        merged.append([row])
    result = []
    for group in merged:
        if len(group) == 1:
            result.append(group[0])
        else:
            first = group[0]
            groups = "/".join(dict.fromkeys(row[0] for row in group))
            targets = "/".join(dict.fromkeys(row[2] for row in group))
            result.append((groups, first[1], targets, f"({len(group)} figures)") + first[4:])
    return result


def render_table(figures):
    table = [COLUMNS] + collapsed(rows(figures))
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS) - 1)]
    lines = []
    for index, row in enumerate(table):
        cells = [row[i].ljust(widths[i]) for i in range(len(widths))] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ----")
    return "\n".join(lines) + "\n"


def preamble(results):
    """Which machine and tree the table is about, and how busy the machine was."""
    machine, kraft = results["machine"], results["kraft"]
    load = "/".join(f"{value:.1f}" for value in machine.get("load_average_at_start", []))
    end = "/".join(f"{value:.1f}" for value in machine.get("load_average_at_end", []))
    return (
        f"kraft {str(kraft.get('commit'))[:12]} ({kraft.get('uncommitted_paths_in_Kernel_Ports_Sources')} "
        f"uncommitted paths in Kernel/Ports/Sources), {machine['date']}\n"
        f"{machine['cores']} cores, {machine['cpu_model']}, {machine['memory_mib']} MiB, "
        f"{machine['os']}, {machine['qemu_x86_64']} (TCG)\n"
        f"load average {load} at start, {end} at end; suite took {results.get('duration_s')} s\n\n"
    )


def write(results, folder, stamp, bases=None):
    """latest.json and latest.txt, and a dated copy of both (or the files named `bases`)."""
    os.makedirs(folder, exist_ok=True)
    text = json.dumps(results, indent=2, sort_keys=False) + "\n"
    table = preamble(results) + render_table(results["figures"])
    written = []
    for base in bases or ("latest", stamp):
        for suffix, content in ((".json", text), (".txt", table)):
            path = os.path.join(folder, base + suffix)
            with open(path, "w") as file:
                file.write(content)
            written.append(path)
    return table, written
