"""Booting an image and timing it as a whole process: from starting the monitor to the
first byte of the application's first line, and to the monitor's exit; and the CPU time the
monitor used (user + system, from its rusage), which waiting for a core on a loaded machine
does not inflate."""

import os
import select
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

# The kernel's own console lines (abi.h); everything else on the console is the app's.
KERNEL_LINE_PREFIXES = ("[debug]", "[info]", "[warn]", "[error]", "[crit]", "kraft: exit status")

MACHINES = {
    "qemu/x86_64": "pc",
    "fc/x86_64": "microvm",
    "qemu/arm64": "virt",
    "fc/arm64": "virt",
}


def qemu_command(target, image, memory_mib, append=None, initrd=None):
    """QEMU's command line as kraft run spells it (Sources/KraftBuild/VirtualMachineCommand
    .swift), so the harness times QEMU itself rather than kraft's own start-up."""
    machine = MACHINES[target]
    if target.endswith("/x86_64"):
        command = ["qemu-system-x86_64", "-M", machine]
        if machine == "pc":
            command += ["-nodefaults"]
        command += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x01"]
    else:
        command = ["qemu-system-aarch64", "-M", machine, "-cpu", "cortex-a57", "-semihosting"]
    command += ["-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none"]
    command += ["-no-reboot", "-m", str(memory_mib), "-kernel", image]
    if initrd:
        command += ["-initrd", initrd]
    if append:
        command += ["-append", append]
    return command


def qemu_status(target, app_status):
    """QEMU's own exit status for an application status (abi.h): V = s + 1; x86 QEMU
    exits with (V << 1) | 1 (isa-debug-exit), arm64 with V (semihosting)."""
    value = app_status + 1
    return (value << 1) | 1 if target.endswith("/x86_64") else value


def app_command_line(cmd, env=()):
    """`env.KEY=VALUE ... -- app args` as kraft run spells it (VirtualMachineCommand
    .commandLine): the Kraftfile's env: as kernel arguments, then the app's; or nothing."""
    kernel = [f"env.{name}={value}" for name, value in env]
    if not cmd and not kernel:
        return None
    quoted = [f'"{word}"' if (not word or " " in word or "\t" in word) else word for word in kernel + ["--"] + list(cmd or [])]
    return " ".join(quoted)


@dataclass
class Boot:
    status: int
    output: str
    first_line_ns: int  # None when the app printed nothing
    exit_ns: int
    timed_out: bool
    errors: str
    cpu_ns: int = None  # the monitor's user + system time (its waited-for children's too)

    def app_lines(self):
        return [line for line in self.output.splitlines() if not _is_kernel_line(line)]


def _is_kernel_line(line):
    return line.startswith(KERNEL_LINE_PREFIXES) or not line.strip()


def _first_app_line_offset(data):
    """The offset of the first byte of the first complete app line, or None."""
    offset = 0
    for line in data.split(b"\n")[:-1]:  # complete lines only
        text = line.decode("utf-8", "replace").rstrip("\r")
        if not _is_kernel_line(text):
            return offset
        offset += len(line) + 1
    return None


def boot_once(command, timeout_s, cwd=None, env=None):
    """Runs one boot, timestamping each chunk of console output as it arrives."""
    merged = dict(os.environ)
    if env:
        merged.update(env)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter_ns()
        # A session of its own, so a timeout also stops the QEMU that `kraft run` started.
        child = subprocess.Popen(
            command, cwd=cwd, env=merged, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=errors, start_new_session=True,
        )
        data = b""
        arrivals = []  # (offset after the chunk, time)
        deadline = start + int(timeout_s * 1e9)
        timed_out = False
        descriptor = child.stdout.fileno()
        while True:
            remaining = (deadline - time.perf_counter_ns()) / 1e9
            if remaining <= 0:
                timed_out = True
                os.killpg(child.pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([descriptor], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(descriptor, 65536)
            now = time.perf_counter_ns()
            if not chunk:
                break
            arrivals.append((len(data), now))
            data += chunk
        status, cpu_ns = _reap(child)
        exit_ns = time.perf_counter_ns() - start
        child.stdout.close()
        errors.seek(0)
        error_text = errors.read().decode("utf-8", "replace")
    first = _first_app_line_offset(data)
    first_ns = None
    if first is not None:
        for chunk_start, when in reversed(arrivals):
            if chunk_start <= first:
                first_ns = when - start
                break
    return Boot(status, data.decode("utf-8", "replace"), first_ns, exit_ns, timed_out, error_text, cpu_ns)


def _reap(child):
    """(exit status as Popen gives it, CPU ns): wait4 returns the child's rusage, which
    covers the children it waited for (QEMU under `kraft run`)."""
    _, wait_status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(wait_status)
    return child.returncode, int((usage.ru_utime + usage.ru_stime) * 1e9)
