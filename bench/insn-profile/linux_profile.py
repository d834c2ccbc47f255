"""Guest instructions per Redis request in the bench's Linux guest, split by where they ran.

The same count as profile.py (insnprofile.so, this folder), for the other side of the bench's
ratio: Debian's kernel booted with the bench's initramfs (bench/harness/linux_guest.py) and
redis-server built from the same tree by upstream's Makefile (MALLOC=libc, musl-gcc -static:
bench/harness/redis.py's `linux_server`), on the bench's tap network, driven by redis-benchmark
from inside the namespace. QEMU's plugin sees every guest instruction, user and kernel alike,
so each translation block is put in one of four parts by its address:

- redis: redis-server's own code (user addresses, a symbol the static binary defines that
  musl's libc.a does not);
- libc: musl's functions linked into it (names musl-gcc's libc.a defines);
- kernel: the kernel image (`nokaslr` on the command line, so a System.map's addresses hold;
  Debian's /boot has only a placeholder, so its functions are named only with
  linux-image-*-dbg's);
- modules: loaded modules (virtio_net, virtio_pci, ...: from the modules' area on).

  cc -O2 -shared -fPIC -o /tmp/insnprofile.so insnprofile.c -lpthread
  python3 linux_profile.py REDIS_SERVER [--plugin /tmp/insnprofile.so] [--pipeline 16]

REDIS_SERVER is the statically linked, non-PIE redis-server (its symbols are its addresses).
Needs root (the namespace), busybox-static, redis-benchmark and linux-image-amd64. What the
guest runs while idle is subtracted for as long as each run took, as profile.py does."""

import argparse
import bisect
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http, linux_guest, redis  # noqa: E402
from profile import Symbols, instructions, snapshot  # noqa: E402

USER_END = 1 << 47
MUSL_LIBC = "/usr/lib/x86_64-linux-musl/libc.a"  # musl-gcc's (Debian musl-dev)


class KernelSymbols:
    """Address to name from a System.map (`nm -n` format). Debian ships a placeholder in
    /boot (the real one is in linux-image-*-dbg): then every kernel address is `[kernel]`.
    Modules are mapped from MODULES_VADDR (x86_64: 0xffffffffc0000000) on."""

    MODULES = 0xFFFFFFFFC0000000

    def __init__(self, system_map):
        self.starts, self.names = [], []
        with open(system_map) as lines:
            for line in lines:
                fields = line.split()
                if len(fields) == 3 and fields[1] in "tTwW":
                    self.starts.append(int(fields[0], 16))
                    self.names.append(fields[2])

    def name(self, vaddr):
        if vaddr >= self.MODULES:
            return "[module]"
        at = bisect.bisect_right(self.starts, vaddr) - 1
        return self.names[at] if at >= 0 else "[kernel]"


def defined_names(files):
    names = set()
    for at in range(0, len(files), 200):
        listed = subprocess.run(["nm", "--defined-only"] + files[at:at + 200], capture_output=True, text=True).stdout
        names.update(fields[2] for fields in (line.split() for line in listed.splitlines())
                     if len(fields) == 3 and fields[1] in "tTwWi")
    return names


def libc_names(server, archive=MUSL_LIBC):
    """Functions of musl's libc.a that Redis's own objects (the .o files of the tree the server
    was built in) do not define: a static of musl's may share a name with Redis's (`call`)."""
    tree = os.path.dirname(os.path.dirname(os.path.abspath(server)))
    objects = [os.path.join(folder, name) for folder, _, names in os.walk(tree) for name in names
               if name.endswith(".o")]
    return defined_names([archive]) - defined_names(objects)


def split(spent, user, kernel, libc):
    """({part: instructions}, {(part, symbol): instructions})."""
    parts, symbols = collections.Counter(), collections.Counter()
    for vaddr, count in spent.items():
        if vaddr < USER_END:
            name = user.name(vaddr)
            part = "libc" if name in libc else "redis"
        else:
            name = kernel.name(vaddr)
            part = "modules" if name == "[module]" else "kernel"
        parts[part] += count
        symbols[(part, name)] += count
    return parts, symbols


def report(title, spent, requests, seconds, idle, user, kernel, libc, top):
    parts, symbols = split(spent, user, kernel, libc)
    idle_parts, _ = split(idle, user, kernel, libc)
    total = sum(parts.values()) - sum(idle_parts.values()) * seconds
    print(f"{title}: {requests} requests in {seconds:.1f} s, {total / requests:.0f} guest instructions per request"
          f" (idle {sum(idle_parts.values()) * seconds / requests:.0f} per request subtracted)")
    for part in ("redis", "libc", "kernel", "modules"):
        print(f"  {part:8s} {(parts[part] - idle_parts[part] * seconds) / requests:9.1f}")
    for (part, name), count in symbols.most_common(top):
        print(f"  {count / requests:9.1f}  {100 * count / sum(parts.values()):5.1f} %  {part:7s} {name}")


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("server", help="redis-server, static and non-PIE (musl-gcc -static)")
    options.add_argument("--plugin", default="/tmp/insnprofile.so")
    options.add_argument("--pipeline", type=int, default=16)
    options.add_argument("--requests", type=int, default=160000)
    options.add_argument("--memory", type=int, default=http.MEMORY_MIB)
    options.add_argument("--top", type=int, default=30)
    arguments = options.parse_args()
    release, missing = linux_guest.kernel_release()
    if missing:
        raise SystemExit(missing)
    kernel_image = os.path.join("/boot", "vmlinuz-" + release)
    kernel = KernelSymbols(os.path.join("/boot", "System.map-" + release))
    user, libc = Symbols(arguments.server), libc_names(arguments.server)
    work = tempfile.mkdtemp(prefix="linux-insnprofile-")
    out = os.path.join(work, "profile")
    initrd = os.path.join(work, "initramfs.cpio")
    linux_guest.build_initramfs(release, shutil.which("busybox"), arguments.server, f"{http.GUEST}/{http.PREFIX}",
                                http.HOST, redis.PORT, initrd, command=f"/server {redis.LINUX_ARGUMENTS}")
    with http.Namespace(f"linux-insnprofile-{os.getpid()}") as namespace:
        command = http.linux_command(kernel_image, initrd, arguments.memory, namespace.tap)
        command[command.index("-append") + 1] += " nokaslr"
        command += ["-plugin", f"{arguments.plugin},out={out}"]
        with http.Guest(command, answers=redis.pings) as guest:
            if not guest.start(within_s=300):
                raise SystemExit("no PONG within 300 s")
            time.sleep(2)
            start = snapshot(out)
            began = time.time()
            time.sleep(3)
            previous = snapshot(out)
            elapsed = time.time() - began
            idle = {vaddr: count / elapsed for vaddr, count in instructions(start, previous).items()}
            for test in ("set", "get"):
                began = time.time()
                done = subprocess.run(
                    ["redis-benchmark", "-h", http.GUEST, "-p", str(redis.PORT), "-c", str(redis.CLIENTS),
                     "-n", str(arguments.requests), "-P", str(arguments.pipeline), "-t", test, "--csv"],
                    capture_output=True, text=True, timeout=1800)
                seconds = time.time() - began
                current = snapshot(out)
                rates = redis.parse_benchmark_csv(done.stdout)
                report(f"{test.upper()} pipeline {arguments.pipeline} ({rates})", instructions(previous, current),
                       arguments.requests, seconds, idle, user, kernel, libc, arguments.top)
                previous = current
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
