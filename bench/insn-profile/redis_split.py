"""What a Redis SET costs against a GET, on every axis that does not depend on the host's load
(and the host's own figures beside them): one boot of a kraft Redis image under tbexits.so
(this folder) on the bench's tap network, then SET and GET alternated ROUNDS times with
redis-benchmark, and per request of each run:

- guest instructions, memory accesses and the stores among them (each access is a lookup in
  QEMU's software TLB), block transitions and those through QEMU's block lookup (indirect,
  cross-page), from tbexits.so's snapshots (`snap=`);
- the guest's exits to QEMU and the device's interrupts, from QEMU's trace events (as
  nginx_profile.py: every access to an emulated device, each kick, each interrupt);
- the host's side: each QEMU thread's CPU time, its time waiting for a CPU, how often it was
  switched in and how often after blocking (/proc schedstat), and redis-benchmark's CPU. These
  move with the load; the alternation puts SET and GET under the same one.

  cc -O2 -shared -fPIC -o /tmp/tbexits.so tbexits.c -lpthread
  python3 redis_split.py PROJECT [--plugin /tmp/tbexits.so|none] [--pipeline 1] [--requests 20000] [--rounds 2]

PROJECT is the built project's folder (`kraft init --template redis`, built for qemu/x86_64).
`--plugin none` runs QEMU without the plugin (the host figures of a plain run). Needs root
(the namespace) and redis-benchmark (Debian's redis-tools). What the guest runs while idle
(Redis's serverCron, timers) is subtracted for as long as each run took."""

import argparse
import collections
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http, redis  # noqa: E402
from nginx_profile import EVENTS, exits_since, thread_times  # noqa: E402
from profile import built_image, requested_snapshot  # noqa: E402

GUEST_FIELDS = ("insns", "accesses", "writes", "transitions", "indirect", "crosspage", "jmpmiss")


def counters(path):
    """tbexits.so's counters now ({name: count}), through its snapshot request."""
    fields = requested_snapshot(path, "tbexits.so").split()
    return dict(zip(fields[::2], map(int, fields[1::2])))


def difference(before, after):
    return {name: after[name] - before.get(name, 0) for name in after}


def benchmark(test, requests, pipeline):
    done = subprocess.run(
        ["redis-benchmark", "-h", http.GUEST, "-p", str(redis.PORT), "-c", str(redis.CLIENTS), "-n", str(requests),
         "-P", str(pipeline), "-t", test, "--csv"], capture_output=True, text=True, timeout=1800)
    return redis.parse_benchmark_csv(done.stdout)


def report_host(before, after, client_cpu_s, requests):
    """QEMU's threads per request, summed by name (the vCPU, the main loop, workers)."""
    by_name = collections.defaultdict(lambda: [0, 0, 0, 0])
    for key, (run, wait, slices, woken) in after.items():
        run0, wait0, slices0, woken0 = before.get(key, (0, 0, 0, 0))
        totals = by_name[key.rsplit(" (", 1)[0]]
        for at, value in enumerate((run - run0, wait - wait0, slices - slices0, woken - woken0)):
            totals[at] += value
    print(f"  host per request: redis-benchmark {1e6 * client_cpu_s / requests:.1f} us of CPU;"
          f" QEMU {sum(t[0] for t in by_name.values()) / 1e3 / requests:.1f} us of CPU")
    for name, (run, wait, slices, woken) in sorted(by_name.items(), key=lambda item: -item[1][0]):
        if slices:
            print(f"    {run / 1e3 / requests:7.2f} us on a CPU, {wait / 1e3 / requests:6.2f} us waiting for one,"
                  f" {slices / requests:5.2f} switches in, {woken / requests:5.2f} after blocking  {name}")


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("project")
    options.add_argument("--plugin", default="/tmp/tbexits.so")
    options.add_argument("--pipeline", type=int, default=1)
    options.add_argument("--requests", type=int, default=20000)
    options.add_argument("--rounds", type=int, default=2)
    options.add_argument("--memory", type=int, default=http.MEMORY_MIB)
    arguments = options.parse_args()
    image, initrd, _ = built_image(arguments.project)
    folder = tempfile.mkdtemp(prefix="redis-split-")
    snap, log, events = (os.path.join(folder, name) for name in ("counts", "trace.log", "events"))
    with open(events, "w") as f:
        f.write("\n".join(EVENTS) + "\n")
    counting = arguments.plugin != "none"

    with http.Namespace(f"redis-split-{os.getpid()}") as namespace:
        command = http.unikernel_command(image, arguments.memory, namespace.tap)
        at = command.index("-append")
        command[at + 1] += " /redis.conf"
        extra = ["-initrd", initrd, "-trace", f"events={events}", "-D", log]
        if counting:
            extra += ["-plugin", f"{arguments.plugin},snap={snap},writes=1"]
        command = command[:1] + ["-name", "redis,debug-threads=on"] + command[1:at] + extra + command[at:]
        with http.Guest(command, answers=redis.pings) as guest:
            if not guest.start(within_s=180):
                raise SystemExit("no PONG within 180 s")
            time.sleep(1)
            offset = exits_since(log, 0)[1]
            previous, began = (counters(snap) if counting else {}), time.time()
            time.sleep(3)
            idle_s = time.time() - began
            idle_exits, offset = exits_since(log, offset)
            idle_rates = {name: count / idle_s for name, count in idle_exits.items()}
            current = counters(snap) if counting else {}
            idle_guest = {name: count / idle_s for name, count in difference(previous, current).items()}
            previous = current
            if counting:
                print(f"idle per second: {idle_guest['insns']:.0f} guest instructions, "
                      f"{sum(idle_rates.values()):.0f} trace events")
            for round_ in range(arguments.rounds):
                for test in ("set", "get"):
                    requests = arguments.requests
                    threads_before = thread_times(guest.child.pid)
                    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    began = time.time()
                    rates = benchmark(test, requests, arguments.pipeline)
                    seconds = time.time() - began
                    threads_after = thread_times(guest.child.pid)
                    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    print(f"round {round_ + 1}, {test.upper()} pipeline {arguments.pipeline}: {requests} requests"
                          f" in {seconds:.1f} s ({rates})")
                    if counting:
                        current = counters(snap)
                        spent = difference(previous, current)
                        previous = current
                        print("  guest per request: " + ", ".join(
                            f"{name} {(spent[name] - idle_guest.get(name, 0) * seconds) / requests:.1f}"
                            for name in GUEST_FIELDS))
                    exits, offset = exits_since(log, offset)
                    net = {kind: count - idle_rates.get(kind, 0) * seconds for kind, count in exits.items()}
                    print(f"  exits and interrupts per request: {sum(net.values()) / requests:.3f}: " + ", ".join(
                        f"{kind} {count / requests:.3f}" for kind, count in sorted(net.items(), key=lambda i: -i[1])
                        if count / requests >= 0.005))
                    client_cpu_s = sum(getattr(children_after, f) - getattr(children_before, f)
                                       for f in ("ru_utime", "ru_stime"))
                    report_host(threads_before, threads_after, client_cpu_s, requests)


if __name__ == "__main__":
    main()
