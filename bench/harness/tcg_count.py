"""What a boot costs QEMU's TCG, counted exactly and independently of the host's load: the
translated blocks of the image's own code and the guest instructions in them (tbexits.so,
bench/insn-profile/tbexits.c), the accesses to device registers after the firmware handed
over (QEMU's `memory_region_ops_*` trace events), and with valgrind's cachegrind the host
instructions QEMU executes for the whole boot. bench/insn-profile/boot_count.py prints these
per function; the boot figures (boots.py) quote the totals beside the wall and CPU times."""

import collections
import os
import re
import shutil
import subprocess
import tempfile

from . import boot, process

PLUGIN_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "insn-profile", "tbexits.c")


def build_plugin(output_folder):
    """tbexits.so built with the host's cc: its path, or why it cannot be built."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        return None, "no C compiler for the TCG plugin (apt-get install gcc)"
    os.makedirs(output_folder, exist_ok=True)
    plugin = os.path.join(output_folder, "tbexits.so")
    built = process.run([compiler, "-O2", "-shared", "-fPIC", "-o", plugin, PLUGIN_SOURCE])
    if built.status != 0:
        return None, "tbexits.so does not build: " + built.output.strip()[:300]
    return plugin, None


class CountError(Exception):
    """A count that could not be taken, and why."""


def valgrind_available():
    return shutil.which("valgrind") is not None


def code_range(elf):
    """`range=LO-HI` over the ELF's executable segments: the image's own code, not the firmware
    (SeaBIOS copies itself to the top of `pc`'s RAM) nor QEMU's boot stub on arm64."""
    done = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True)
    if done.returncode != 0:
        raise CountError(f"{elf}: not an ELF file readelf reads: {done.stderr.strip()[:200]}")
    listed = done.stdout
    spans = [(int(f[2], 16), int(f[2], 16) + int(f[5], 16)) for f in map(str.split, listed.splitlines())
             if f[:1] == ["LOAD"] and "E" in f[6:-1]]
    if not spans:
        raise CountError(f"{elf}: no executable segment")
    return f"range={min(lo for lo, _ in spans):#x}-{max(hi for _, hi in spans):#x}"

# The firmware's last device access before the image runs: its loader reading fw_cfg (pc's
# Multiboot option ROM and microvm's qboot both load the image through it). arm64 `virt`
# runs no firmware: every access is the image's.
FIRMWARE_LAST = ("'fwcfg'", "'fwcfg.dma'", "'fwcfg.data'", "'fwcfg.ctl'")


def count_boot(target, image, elf, plugin, memory):
    """(plugin counters, [(vaddr, insns, execs)], Counter of device accesses, console text)."""
    with tempfile.TemporaryDirectory(prefix="boot-count-") as folder:
        out, blocks, trace = (os.path.join(folder, name) for name in ("counts", "blocks", "trace"))
        command = boot.qemu_command(target, image, memory)
        command += ["-plugin", ",".join([plugin, code_range(elf), "out=" + out, "blocks=" + blocks])]
        command += ["-trace", "memory_region_ops_*", "-D", trace]
        done = subprocess.run(command, capture_output=True, timeout=300)
        errors = done.stderr.decode(errors="replace")
        if not os.path.exists(out):
            raise CountError(f"{image}: tbexits.so wrote nothing (QEMU exited {done.returncode}): {errors[-400:]}")
        _check_status(target, image, done.returncode, errors)
        fields = open(out).read().split()
        listed = [tuple(int(f, 16) if i == 0 else int(f) for i, f in enumerate(line.split())) for line in open(blocks)]
        lines = open(trace, errors="replace").read().splitlines()
    counters = dict(zip(fields[::2], map(int, fields[1::2])))
    handover = max((i for i, line in enumerate(lines) if line.endswith(FIRMWARE_LAST)), default=-1)
    accesses = collections.Counter()
    for line in lines[handover + 1 :]:
        if line.startswith("memory_region_ops_"):
            kind = "read" if line.startswith("memory_region_ops_read") else "write"
            accesses[f"{line.rsplit('name ', 1)[1].strip(chr(39))} {kind}"] += 1
    return counters, listed, accesses, done.stdout.decode(errors="replace")


def host_instructions(target, image, memory):
    """QEMU's host instructions (cachegrind's I refs, every thread) for one boot."""
    with tempfile.TemporaryDirectory(prefix="boot-count-") as folder:
        out = os.path.join(folder, "cachegrind.out")
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=" + out]
        done = subprocess.run(command + boot.qemu_command(target, image, memory), capture_output=True,
                              text=True, timeout=600)
    _check_status(target, image, done.returncode, done.stderr)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if not found:
        raise CountError(f"{image}: no count from valgrind (is it installed?): {done.stderr[-400:]}")
    return int(found.group(1).replace(",", ""))


def _check_status(target, image, status, errors):
    """A count is only worth quoting for a boot that ran to the app's exit status 0."""
    if status != boot.qemu_status(target, 0):
        raise CountError(f"{image}: QEMU exited {status}, not {boot.qemu_status(target, 0)}: {errors.strip()[-300:]}")
