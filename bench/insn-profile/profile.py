"""Guest instructions per Redis request, exactly and independently of the host's load.

Boots a kraft Redis image (`kraft init --template redis`, built for qemu/x86_64) under QEMU
with insnprofile.so (this folder) on the bench's tap network (bench/harness/http.py's
namespace and QEMU command), drives it with redis-benchmark from inside the namespace and
counts the guest's instructions over each run: per request, and per symbol of the image's
`.dbg` file (where the instructions went).

  cc -O2 -shared -fPIC -o /tmp/insnprofile.so insnprofile.c -lpthread
  python3 profile.py PROJECT [--plugin /tmp/insnprofile.so] [--pipeline 16] [--requests 160000]

PROJECT is the built project's folder (its .unikraft/build holds the image, its .dbg and the
initrd). `--plugin none` counts no instructions (QEMU runs at full speed) and reports only the
guest's free memory: at idle and the least during each run, the memory floor's accounting. Needs root (the namespace) and redis-benchmark (Debian's redis-tools). Subtracts
what the guest runs while idle (Redis's serverCron, the kernel's timers) for as long as each
run took. Prints one table per test."""

import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http, redis  # noqa: E402


def requested_snapshot(path, plugin="insnprofile.so"):
    """The text a plugin loaded with snap=PATH writes to PATH when PATH.request appears (it
    removes the request once written): its counters at this moment of the guest's run."""
    if os.path.exists(path):
        os.unlink(path)
    open(path + ".request", "w").close()
    deadline = time.time() + 30
    while os.path.exists(path + ".request") or not os.path.exists(path):
        if time.time() > deadline:
            raise SystemExit(f"{plugin} wrote no snapshot within 30 s (is it loaded, with snap=?)")
        time.sleep(0.02)
    with open(path) as written:
        return written.read()


def snapshot(path):
    """{(vaddr, insns): execs} written by the plugin on request."""
    counts = {}
    for line in requested_snapshot(path).splitlines():
        vaddr, insns, execs = line.split()
        counts[(int(vaddr, 16), int(insns))] = int(execs)
    return counts


def instructions(before, after):
    """{vaddr: guest instructions executed between two snapshots}."""
    spent = collections.Counter()
    for key, execs in after.items():
        done = execs - before.get(key, 0)
        if done:
            spent[key[0]] += done * key[1]
    return spent


class Symbols:
    """Address to function name, from `nm -n` of the image's .dbg file."""

    def __init__(self, image):
        self.image = image
        listed = subprocess.run(["nm", "-n", "--defined-only", image], capture_output=True, text=True).stdout
        self.starts, self.names = [], []
        for line in listed.splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[1] in "tTwW":
                self.starts.append(int(fields[0], 16))
                self.names.append(fields[2])

    def name(self, vaddr):
        at = bisect.bisect_right(self.starts, vaddr) - 1
        return self.names[at] if at >= 0 else f"{vaddr:#x}"


def report(title, spent, requests, symbols, idle_per_s, seconds, top, libraries=None):
    total = sum(spent.values()) - idle_per_s * seconds
    print(f"{title}: {requests} requests in {seconds:.1f} s, {total / requests:.0f} guest instructions per request"
          f" (idle {idle_per_s * seconds / requests:.0f} per request subtracted)")
    by_symbol = collections.Counter()
    for vaddr, count in spent.items():
        by_symbol[symbols.name(vaddr)] += count
    if libraries:
        by_library = collections.Counter()
        for name, count in by_symbol.items():
            by_library[libraries.get(name, "?")] += count
        print("  by library (idle not subtracted): " + ", ".join(
            f"{library} {count / requests:.0f}" for library, count in by_library.most_common()))
    for name, count in by_symbol.most_common(top):
        print(f"  {count / requests:9.1f}  {100 * count / sum(spent.values()):5.1f} %  {name}")


def libraries_of(project):
    """{function name: kraft library} from the objects of each library's folder
    (.unikraft/build/<target>/obj/<library>), to split a request's instructions the way
    linux_profile.py splits the Linux guest's (Redis, libc, the rest: kernel and network). A
    static function whose name two libraries share is counted in one of them."""
    objects = os.path.join(project, ".unikraft", "build", "qemu-x86_64", "obj")
    found = {}
    for library in sorted(os.listdir(objects)):
        files = [os.path.join(folder, name) for folder, _, names in os.walk(os.path.join(objects, library))
                 for name in names if name.endswith(".o")]
        for at in range(0, len(files), 200):
            listed = subprocess.run(["nm", "--defined-only"] + files[at:at + 200], capture_output=True,
                                    text=True).stdout
            for line in listed.splitlines():
                fields = line.split()
                if len(fields) == 3 and fields[1] in "tTwW":
                    found.setdefault(fields[2], library)
    return found


def built_image(project):
    """(image, initrd, Symbols) of a project built for qemu/x86_64."""
    build = os.path.join(project, ".unikraft", "build")
    image = next(os.path.join(build, f) for f in sorted(os.listdir(build)) if f.endswith("_qemu-x86_64"))
    initrd = next(os.path.join(build, f) for f in os.listdir(build) if f.endswith(".initrd"))
    return image, initrd, Symbols(image + ".dbg" if os.path.exists(image + ".dbg") else image)


def local_symbol(image, source, name):
    """Address of a file-local symbol (`static size_t free_bytes` of buddy.c): readelf lists
    each file's locals after its FILE entry."""
    listed = subprocess.run(["readelf", "-sW", image], capture_output=True, text=True).stdout
    current = None
    for line in listed.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[3] == "FILE":
            current = fields[7]
        elif len(fields) >= 8 and fields[7] == name and current == source:
            return int(fields[1], 16)
    raise SystemExit(f"no {name} of {source} in {image}")


class Monitor:
    """QEMU's human monitor on a unix socket: reads 8-byte words of guest memory."""

    def __init__(self, path):
        self.connection = socket.socket(socket.AF_UNIX)
        deadline = time.time() + 30
        while True:
            try:
                self.connection.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.lock = threading.Lock()
        self._until_prompt()

    def _until_prompt(self):
        text = b""
        while not text.endswith(b"(qemu) "):
            text += self.connection.recv(4096)
        return text.decode(errors="replace")

    def word(self, address):
        with self.lock:
            self.connection.sendall(f"x /1gx {address:#x}\n".encode())
            found = re.search(r"^[0-9a-f]+: 0x([0-9a-f]+)", self._until_prompt(), re.M)
        return int(found.group(1), 16)


class FreeMemory:
    """The kernel's free bytes (buddy.c's free_bytes, plus posix-mm's cache of unmapped runs,
    which goes back to the allocator when RAM runs short: /proc/meminfo's MemAvailable), read
    through the monitor; `lowest()` is the least seen since the last `reset()`, sampled every
    20 ms while a workload runs."""

    def __init__(self, monitor, image):
        self.monitor = monitor
        self.free = local_symbol(image, "buddy.c", "free_bytes")
        self.cache = local_symbol(image, "mm.c", "cache_pages")
        self.least = None
        threading.Thread(target=self._sample, daemon=True).start()

    def now(self):
        return self.monitor.word(self.free) + 4096 * self.monitor.word(self.cache)

    def reset(self):
        self.least = self.now()

    def lowest(self):
        return self.least

    def _sample(self):
        while True:
            time.sleep(0.02)
            if self.least is not None:
                try:
                    self.least = min(self.least, self.now())
                except OSError:
                    return  # QEMU has stopped


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("project")
    options.add_argument("--plugin", default="/tmp/insnprofile.so")
    options.add_argument("--pipeline", type=int, default=16)
    options.add_argument("--requests", type=int, default=160000)
    options.add_argument("--memory", type=int, default=http.MEMORY_MIB)
    options.add_argument("--top", type=int, default=25)
    arguments = options.parse_args()
    image, initrd, symbols = built_image(arguments.project)
    libraries = libraries_of(arguments.project)
    out = os.path.join(tempfile.mkdtemp(prefix="insnprofile-"), "profile")

    counting = arguments.plugin != "none"
    with http.Namespace(f"insnprofile-{os.getpid()}") as namespace:
        command = http.unikernel_command(image, arguments.memory, namespace.tap)
        at = command.index("-append")
        command[at + 1] += " /redis.conf"
        plugin = ["-plugin", f"{arguments.plugin},out={out}"] if counting else []
        command = command[:at] + ["-initrd", initrd] + plugin + command[at:]
        monitor_path = out + ".monitor"
        at = command.index("-monitor")
        command[at + 1] = f"unix:{monitor_path},server=on,wait=off"
        with http.Guest(command, answers=redis.pings) as guest:
            if not guest.start(within_s=180):
                raise SystemExit("no PONG within 180 s")
            memory = FreeMemory(Monitor(monitor_path), symbols.image)
            time.sleep(1)
            print(f"free at idle: {memory.now() // 1024} KiB of -m {arguments.memory} MiB")
            if counting:
                start = snapshot(out)
                began = time.time()
                time.sleep(3)
                idle = snapshot(out)
                idle_per_s = sum(instructions(start, idle).values()) / (time.time() - began)
                print(f"idle: {idle_per_s:.0f} guest instructions per second")
                previous = idle
            for test in ("set", "get"):
                memory.reset()
                began = time.time()
                done = subprocess.run(
                    ["redis-benchmark", "-h", http.GUEST, "-p", str(redis.PORT), "-c", str(redis.CLIENTS),
                     "-n", str(arguments.requests), "-P", str(arguments.pipeline), "-t", test, "--csv"],
                    capture_output=True, text=True, timeout=1800)
                seconds = time.time() - began
                rates = redis.parse_benchmark_csv(done.stdout)
                title = f"{test.upper()} pipeline {arguments.pipeline} ({rates})"
                if counting:
                    current = snapshot(out)
                    report(title, instructions(previous, current), arguments.requests, symbols, idle_per_s, seconds,
                           arguments.top, libraries)
                    previous = current
                else:
                    print(f"{title}: {arguments.requests} requests in {seconds:.1f} s")
                print(f"  least free during the run: {memory.lowest() // 1024} KiB; after it: {memory.now() // 1024} KiB")


if __name__ == "__main__":
    main()
