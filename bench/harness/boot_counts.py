"""Counted boot figures beside the timed ones (boots.py): what QEMU's TCG translated for the
image's own code and, under valgrind's cachegrind, the host instructions QEMU executed for the
whole boot, for an image and for QEMU's floor stub on the same machine. Counts do not depend
on the machine's load, so they resolve what the wall clock cannot (a millisecond over a floor
that swings by tens of them). Host instructions are taken where they repeat from run to run:
on `microvm` and arm64 `virt`; on `pc` SeaBIOS's timing loops make them vary by about 2%
(about 10 million, more than a kernel's share), so `pc` gets the translated count only."""

import os

from . import boot, stats, tcg_count

GROUP = "boot"
TRANSLATED = "guest instructions translated (the image's code)"
HOST = "QEMU host instructions"
HOST_STEADY_MACHINES = ("microvm", "virt")


def measure(subject, target, image, floor_image, plugin, memory_mib=64):
    """The counted figures for image and floor on target's machine; plugin is tbexits.so or
    the reason it is missing. floor_image is a path, or why there is none."""
    machine = boot.MACHINES[target]
    extra = {"machine": machine, "counted": True, "memory_mib": memory_mib}
    boots = [("", image), ("QEMU floor: ", floor_image)]
    figures = []
    for prefix, path in boots:
        figures.append(_translated(subject, prefix + TRANSLATED, target, path, plugin, memory_mib, extra))
    if machine not in HOST_STEADY_MACHINES:
        return figures
    hosts = [_host(subject, prefix + HOST, target, path, memory_mib, extra) for prefix, path in boots]
    figures += hosts
    if all("median" in figure for figure in hosts):
        over = hosts[0]["median"] - hosts[1]["median"]
        figures.append(stats.figure(GROUP, subject, target, f"{HOST}, over the floor", "instructions",
                                    [over], **extra))
    return figures


def _translated(subject, name, target, image, plugin, memory_mib, extra):
    if not plugin.startswith("/"):
        return stats.unavailable(GROUP, subject, target, name, plugin)
    if not image.startswith("/"):
        return stats.unavailable(GROUP, subject, target, name, image)
    elf = image + ".dbg" if os.path.exists(image + ".dbg") else image
    try:
        _, blocks, _, _ = tcg_count.count_boot(target, image, elf, plugin, memory_mib)
    except (tcg_count.CountError, OSError) as error:
        return stats.unavailable(GROUP, subject, target, name, str(error))
    return stats.figure(GROUP, subject, target, name, "instructions",
                        [sum(block[1] for block in blocks)], blocks=len(blocks), **extra)


def _host(subject, name, target, image, memory_mib, extra):
    if not tcg_count.valgrind_available():
        return stats.unavailable(GROUP, subject, target, name, "valgrind is not installed")
    if not image.startswith("/"):
        return stats.unavailable(GROUP, subject, target, name, image)
    try:
        count = tcg_count.host_instructions(target, image, memory_mib)
    except (tcg_count.CountError, OSError) as error:
        return stats.unavailable(GROUP, subject, target, name, str(error))
    return stats.figure(GROUP, subject, target, name, "instructions", [count], **extra)
