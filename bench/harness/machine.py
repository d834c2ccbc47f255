"""The machine and the tree a run measured, recorded beside every result."""

import datetime
import os
import platform

from . import process


def _first_output_line(command):
    try:
        done = process.run(command, timeout=30)
    except OSError:
        return None
    lines = done.output.strip().splitlines()
    return lines[0].strip() if done.status == 0 and lines else None


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_mib():
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _os_name():
    try:
        with open("/etc/os-release") as release:
            for line in release:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def describe(repository, clang):
    """Cores, CPU, memory, OS, tool versions, load, date (UTC)."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cores": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_mib": _memory_mib(),
        "os": _os_name(),
        "linux": platform.release(),
        "load_average_at_start": list(os.getloadavg()),
        "qemu_x86_64": _first_output_line(["qemu-system-x86_64", "--version"]),
        "qemu_aarch64": _first_output_line(["qemu-system-aarch64", "--version"]),
        "accelerator": "tcg",
        "clang": _first_output_line([clang, "--version"]),
        "gcc": _first_output_line(["gcc", "--version"]),
        "ninja": _first_output_line(["ninja", "--version"]),
        "python": platform.python_version(),
    }


def describe_tree(repository):
    """The kraft commit, and whether the tree measured differs from it (others' work)."""
    commit = _first_output_line(["git", "-C", repository, "rev-parse", "HEAD"])
    subject = _first_output_line(["git", "-C", repository, "log", "-1", "--format=%s"])
    status = process.run(
        ["git", "-C", repository, "status", "--porcelain", "--", "Kernel", "Ports", "Sources"]
    )
    changed = [line[3:] for line in status.output.splitlines() if line.strip()]
    return {
        "commit": commit,
        "subject": subject,
        "uncommitted_paths_in_Kernel_Ports_Sources": len(changed),
        "uncommitted_sample": changed[:10],
    }
