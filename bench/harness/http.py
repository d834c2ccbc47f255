"""HTTP serving: the C server of Tests/Images/http-c-shape in a kraft image against the same
source linked statically with musl-gcc in a Linux guest (linux_guest.py), both under the same
QEMU (pc, TCG), memory, one vCPU and network backend: a tap device in a network namespace the
bench makes for itself (no traffic leaves it), driven by wrk from inside the namespace.

Figures per side: requests/s and p99 latency (wrk, one connection with keep-alive: the server
answers one connection at a time), boot to the first answered request (QEMU started to the
first complete HTTP response, polled every few ms) beside QEMU's floor, the bytes booted
(image, or kernel + initramfs), and the smallest -m that still serves. Then the ratio of the
requests/s."""

import ctypes
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import time

from . import boot, linux_guest, memory, process, stats
from .kraft import HarnessError, Project

GROUP = "network"
TARGET = "qemu/x86_64"
GUEST = "172.44.0.2"
HOST = "172.44.0.1"
PREFIX = 24
PORT = 8080
MAC = "52:54:00:12:34:56"
MEMORY_MIB = 128
CLONE_NEWNET = 0x40000000
WRK_THREADS, WRK_CONNECTIONS = 1, 1

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse_wrk(text):
    """{requests_per_s, p99_ms, requests, errors} from `wrk --latency` output."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    total = re.search(r"^\s+(\d+) requests in", text, re.M)
    if not rate or not p99 or not total:
        raise ValueError("not wrk --latency output: " + " ".join(text.split())[:200])
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return {
        "requests_per_s": float(rate.group(1)),
        "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)],
        "requests": int(total.group(1)),
        "errors": errors,
    }


def network_arguments(tap):
    """The NIC kraft run attaches for `--network tap:NAME` (GuestNetwork.swift), with a fixed
    MAC so the namespace can know the guest's neighbour entry in advance."""
    return [
        "-netdev", f"tap,id=net0,ifname={tap},script=no,downscript=no",
        "-device", f"virtio-net-pci,netdev=net0,romfile=,mac={MAC}",
    ]


def with_network(command, tap):
    """A harness QEMU command (boot.qemu_command) with the NIC in place of `-nic none`."""
    index = command.index("-nic")
    return command[:index] + network_arguments(tap) + command[index + 2 :]


def unikernel_command(image, memory_mib, tap):
    append = f"netdev.ip={GUEST}/{PREFIX}:{HOST} --"
    return with_network(boot.qemu_command(TARGET, image, memory_mib, append), tap)


def linux_command(kernel, initrd, memory_mib, tap):
    append = "console=ttyS0 quiet panic=-1"
    return with_network(boot.qemu_command(TARGET, kernel, memory_mib, append, initrd), tap)


class Namespace:
    """A network namespace with one tap device; while entered, this process (and everything
    it starts: QEMU, wrk) lives in it. Removed on exit, with the tap."""

    def __init__(self, name, tap="tap0"):
        self.name, self.tap = name, tap
        self._home = None

    def __enter__(self):
        subprocess.run(["ip", "netns", "del", self.name], stderr=subprocess.DEVNULL)
        run = ["ip", "netns", "exec", self.name]
        for command in (
            ["ip", "netns", "add", self.name],
            run + ["ip", "link", "set", "lo", "up"],
            run + ["ip", "tuntap", "add", "dev", self.tap, "mode", "tap"],
            run + ["ip", "addr", "add", f"{HOST}/{PREFIX}", "dev", self.tap],
            run + ["ip", "link", "set", self.tap, "up"],
            run + ["ip", "neigh", "add", GUEST, "lladdr", MAC, "dev", self.tap, "nud", "permanent"],
        ):
            done = process.run(command)
            if done.status != 0:
                self._remove()
                raise HarnessError(f"{' '.join(command)}: {done.output.strip()}")
        libc = ctypes.CDLL(None, use_errno=True)
        self._home = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            if libc.setns(target, CLONE_NEWNET) != 0:
                raise HarnessError(f"setns: {os.strerror(ctypes.get_errno())}")
        finally:
            os.close(target)
        return self

    def __exit__(self, *_):
        if self._home is not None:
            ctypes.CDLL(None, use_errno=True).setns(self._home, CLONE_NEWNET)
            os.close(self._home)
        self._remove()

    def _remove(self):
        subprocess.run(["ip", "netns", "del", self.name], stderr=subprocess.DEVNULL)


def _complete(data):
    """Whether a response with a Content-Length is whole (a server may leave the connection
    open after `Connection: close` until the client closes, as net-http-load does)."""
    head, separator, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"^content-length:\s*(\d+)", head, re.I | re.M)
    return bool(separator and length and len(body) >= int(length.group(1)))


def http_get(address, port, path="/", timeout=0.25):
    """The response's body, or None (connection refused, timed out, cut short)."""
    try:
        with socket.create_connection((address, port), timeout=timeout) as connection:
            connection.settimeout(max(timeout, 2.0))
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while not _complete(data):
                chunk = connection.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    head, _, body = data.partition(b"\r\n\r\n")
    return body.decode("utf-8", "replace") if head.startswith(b"HTTP/1.1 200") else None


class Guest:
    """One QEMU serving: started, timed to its first answer, stopped. `answers()` asks the
    server once (HTTP by default; redis.py pings Redis)."""

    def __init__(self, command, answers=None):
        self.command = command
        self.answers = answers or (lambda: http_get(GUEST, PORT) is not None)
        self.child = None
        self.first_answer_s = None

    def start(self, within_s):
        start = time.perf_counter()
        self.child = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        while time.perf_counter() - start < within_s and self.child.poll() is None:
            if self.answers():
                self.first_answer_s = time.perf_counter() - start
                return True
            time.sleep(0.005)
        return False

    def stop(self):
        if self.child and self.child.poll() is None:
            os.killpg(self.child.pid, signal.SIGKILL)
            self.child.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def wrk(seconds, connections=WRK_CONNECTIONS, threads=WRK_THREADS):
    done = process.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "--latency",
         f"http://{GUEST}:{PORT}/"],
        timeout=seconds + 60,
    )
    return parse_wrk(done.output)


def missing_tools():
    """Why the figure cannot be measured here, or None."""
    if os.geteuid() != 0:
        return "needs root for its network namespace and tap device"
    for tool, package in (("ip", "iproute2"), ("wrk", "wrk"), ("busybox", "busybox-static"),
                          ("musl-gcc", "musl-tools"), ("qemu-system-x86_64", "qemu-system-x86")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian package {package})"
    return None


def serve_figures(subject, command_for, booted_bytes, runs, seconds, log):
    """The figures of one side; command_for(memory_mib) is its QEMU command."""
    figures = []
    with Guest(command_for(MEMORY_MIB)) as guest:
        if not guest.start(within_s=180):
            return [stats.unavailable(GROUP, subject, TARGET, "every figure",
                                      "the guest did not answer HTTP within 180 s")]
        boot_s = guest.first_answer_s
        log(f"  {subject}: first answer after {boot_s:.2f} s; wrk {runs} x {seconds} s")
        results = [wrk(seconds) for _ in range(runs)]
    figures.append(stats.figure(GROUP, subject, TARGET, "boot to first answered request", "s", [boot_s],
                                memory_mib=MEMORY_MIB))
    figures.append(stats.figure(GROUP, subject, TARGET, "requests/s (wrk, 1 connection)", "req/s",
                                [r["requests_per_s"] for r in results],
                                errors=sum(r["errors"] for r in results), requests=[r["requests"] for r in results]))
    figures.append(stats.figure(GROUP, subject, TARGET, "p99 latency", "ms", [r["p99_ms"] for r in results]))
    figures.append(stats.figure(GROUP, subject, TARGET, "bytes booted", "bytes", [booted_bytes]))

    def serves_at(mib):
        with Guest(command_for(mib)) as probe:
            return probe.start(within_s=max(10.0, 5 * boot_s))

    smallest, probes = memory.bisect(serves_at, 0, MEMORY_MIB)
    figures.append(stats.figure(GROUP, subject, TARGET, "smallest -m that serves", "MiB", [smallest], probes=probes))
    return figures


def ratio_figure(figures, kraft_subject, linux_subject, rate="requests/s", name="requests/s ratio",
                 ratio_subject="kraft vs linux"):
    """kraft's requests/s over the Linux guest's, from the medians of the figures named `rate`
    (a prefix)."""
    def median(subject):
        for figure in figures:
            if figure["subject"] == subject and figure["name"].startswith(rate) and "median" in figure:
                return figure["median"]
        return None

    mine, theirs = median(kraft_subject), median(linux_subject)
    if mine is None or theirs is None or theirs == 0:
        return stats.unavailable(GROUP, ratio_subject, TARGET, name, "needs both sides' requests/s")
    return stats.figure(GROUP, ratio_subject, TARGET, name, "ratio", [mine / theirs],
                        goal="at least x1.50 (issue 15)")


def floor_figure(floors, log):
    """QEMU pc's own start-to-exit time for a stub image (bench/floor), the boot figures' floor."""
    image = floors.get("x86_64")
    if not isinstance(image, str) or not os.path.exists(image):
        return stats.unavailable(GROUP, "qemu floor", TARGET, "stub boot to exit", str(image))
    samples = []
    for _ in range(5):
        result = boot.boot_once(boot.qemu_command(TARGET, image, MEMORY_MIB), 30)
        samples.append(result.exit_ns / 1e9)
    log(f"  QEMU floor {statistics.median(samples):.3f} s")
    return stats.figure(GROUP, "qemu floor", TARGET, "stub boot to exit", "s", samples)



def build_image(kraft, project_folder, destination):
    """A copy of the project built for TARGET: (image path, None) or (None, why not)."""
    try:
        project = Project.copy(kraft, project_folder, destination)
        build = kraft.build(project, targets=[TARGET])
    except HarnessError as error:
        return None, str(error)
    if not build.ok:
        return None, "kraft build fails: " + stats.first_line(build.completed.output)
    return project.image(TARGET), None


def linux_side(release, sources, work, name):
    """The same C server linked statically with musl-gcc in the Linux guest's initramfs:
    (kernel, initrd, None) or (kernel, initrd, why it cannot be built)."""
    server = os.path.join(work, name + "-static")
    kernel = os.path.join("/boot", "vmlinuz-" + release)
    initrd = os.path.join(work, name + "-linux-initramfs.cpio")
    compiled = process.run(["musl-gcc", "-static", "-O2", "-o", server] + sources)
    if compiled.status != 0:
        return kernel, initrd, "musl-gcc fails: " + stats.first_line(compiled.output)
    try:
        linux_guest.build_initramfs(release, shutil.which("busybox"), server, f"{GUEST}/{PREFIX}", HOST, PORT, initrd)
    except (OSError, ValueError) as error:
        return kernel, initrd, f"the initramfs cannot be built: {error}"
    return kernel, initrd, None

def measure(kraft, project_folder, work, floors, log, runs=3, seconds=10):
    subjects = ("http-c-shape (kraft)", "http-c-shape (linux guest)")
    reason = missing_tools()
    release, no_kernel = linux_guest.kernel_release()
    reason = reason or no_kernel
    if reason:
        return [stats.unavailable(GROUP, s, TARGET, "every figure", reason) for s in subjects]
    os.makedirs(work, exist_ok=True)
    figures = [floor_figure(floors, log)]

    # The unikernel.
    log("  building the kraft image")
    image, unikernel_reason = build_image(kraft, project_folder, os.path.join(work, "http-c-shape"))
    kernel, initrd, linux_reason = linux_side(
        release, [os.path.join(project_folder, "http_server.c")], work, "http-server")

    with Namespace(f"kraft-bench-{os.getpid()}") as namespace:
        if image:
            log("  serving from the kraft image")
            figures += serve_figures(subjects[0], lambda mib: unikernel_command(image, mib, namespace.tap),
                                     os.path.getsize(image), runs, seconds, log)
        else:
            figures.append(stats.unavailable(GROUP, subjects[0], TARGET, "every figure", unikernel_reason))
        if not linux_reason:
            log("  serving from the Linux guest")
            figures += serve_figures(subjects[1], lambda mib: linux_command(kernel, initrd, mib, namespace.tap),
                                     os.path.getsize(kernel) + os.path.getsize(initrd), runs, seconds, log)
        else:
            figures.append(stats.unavailable(GROUP, subjects[1], TARGET, "every figure", linux_reason))
    figures.append(ratio_figure(figures, *subjects))
    return figures
