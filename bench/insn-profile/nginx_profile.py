"""Guest instructions and QEMU exits per nginx request, exactly and independently of the load.

Boots a kraft nginx image (the bench's site: `kraft init --template nginx`, `listen 8080;`, a
1 MiB file `1m.bin` beside the page, built for qemu/x86_64) under QEMU on the bench's tap
network (bench/harness/http.py's namespace and QEMU command), drives it with wrk from inside
the namespace, and for each run reports per request:

- guest instructions (insnprofile.so, this folder), in all and per symbol of the image's `.dbg`,
  and outside the scheduler's idle polling loop (the request's own work);
- the guest's exits to QEMU and the device's interrupts, from QEMU's own trace events
  (`memory_region_ops_read`/`_write`: every access of the guest to an emulated device, by
  device and offset; `virtio_queue_notify`: a kick; `virtio_notify`: an interrupt to the guest).

  cc -O2 -shared -fPIC -o /tmp/insnprofile.so insnprofile.c -lpthread
  python3 nginx_profile.py PROJECT [--plugin /tmp/insnprofile.so|none] [--no-trace] [--seconds 4]
  python3 nginx_profile.py PROJECT --plugin none --no-trace --threads   # the host's side only

`--threads` also reports, per request, what the host's threads spent: each QEMU thread's time
on a CPU, its time runnable but waiting for one, how often it was switched in and how often
after blocking (the kernel's /proc/PID/task/TID/schedstat and status), and wrk's CPU time. These are host figures, so they
move with the load (the switch counts least); without the plugin and the trace they are
those of a plain run.

Needs root (the namespace) and wrk. What the guest runs while idle (timers) is subtracted for
as long as each run took. The counts are wrk's completed requests, so the one request in
flight per connection at the end is not counted (under 0.1 % of a run)."""

import argparse
import collections
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http  # noqa: E402
from profile import built_image, instructions, report, snapshot  # noqa: E402

RUNS = (("page, 1 connection", "/", 1), ("1 MiB file, 1 connection", "/1m.bin", 1),
        ("page, 64 connections", "/", 64), ("1 MiB file, 64 connections", "/1m.bin", 64))
EVENTS = ("memory_region_ops_read", "memory_region_ops_write", "virtio_queue_notify", "virtio_notify")
ACCESS = re.compile(r"^(memory_region_ops_(?:read|write)) .*addr (0x[0-9a-f]+) .*name '([^']*)'")


def exits_since(log, offset):
    """({kind: count}, new offset) for the trace lines written since `offset`."""
    counts = collections.Counter()
    with open(log, errors="replace") as lines:
        lines.seek(offset)
        for line in lines:
            access = ACCESS.match(line)
            if access:
                kind, address, device = access.groups()
                counts[f"{device} {kind[len('memory_region_ops_'):]} {address}"] += 1
            else:
                counts[line.split(" ", 1)[0]] += 1
        return counts, lines.tell()


def objects_of(link_map):
    """{function: the object file it was linked from, relative to obj/} from a `.map` (ld's -Map)."""
    objects, current = {}, None
    with open(link_map) as lines:
        for line in lines:
            fields = line.split()
            if len(fields) == 5 and "/obj/" in fields[4] and "(.text" in fields[4]:
                current = fields[4].split("/obj/", 1)[1].split(":(", 1)[0]
            elif len(fields) == 5 and current and "(" not in fields[4] and "=" not in line:
                objects.setdefault(fields[4], current)
            elif len(fields) == 5:
                current = None
    return objects


def layer(obj):
    """The layer an object belongs to: its library, lwIP's core by file (input, output, API)."""
    library, _, path = obj.partition("/")
    if library == "lwip":
        return "lwip " + os.path.basename(path).removesuffix(".c.o")
    return library


# The scheduler's idle loop while it polls the device's receive ring (CONFIG_SCHED_IDLE_POLL_US):
# how long it runs per request is however long the guest waited for the next one, which the
# plugin's own slowness decides, so a request's work is counted without it.
IDLE_LOOP = {"idle_poll", "schedule", "arch_monotonic_ns", "poll", "virtqueue_has_used", "arch_irq_window",
             "kirq_run_deferred"}


def report_work(spent, requests, symbols):
    """Guest instructions per request outside the idle loop's functions (idle not subtracted)."""
    work = sum(count for vaddr, count in spent.items() if symbols.name(vaddr) not in IDLE_LOOP)
    print(f"  outside the idle loop ({', '.join(sorted(IDLE_LOOP))}): {work / requests:.0f} per request")


def report_layers(spent, requests, symbols, objects):
    """Guest instructions per request by layer (library, lwIP by file), most first."""
    by_layer = collections.Counter()
    for vaddr, count in spent.items():
        name = symbols.name(vaddr)
        by_layer[layer(objects[name]) if name in objects else "(no object: " + name + ")"] += count
    print("  by layer:")
    for name, count in by_layer.most_common():
        if count / requests >= 5:
            print(f"    {count / requests:9.1f}  {name}")


def thread_times(pid):
    """{thread name and id: (ns on a CPU, ns waiting for one, times switched in, times it blocked)}
    of a process (blocking: the voluntary switches, a wait for the tap, an eventfd, a lock)."""
    times = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run, wait, slices = (int(v) for v in f.read().split())
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                fields = f.read().split()
            woken = int(fields[fields.index("voluntary_ctxt_switches:") + 1])
            times[f"{name} ({tid})"] = (run, wait, slices, woken)
        except OSError:
            pass  # a thread that ended
    return times


def report_threads(before, after, wrk_cpu_s, requests):
    """Per request: each thread's CPU and run-queue time (us) and switches in, busiest first."""
    spent = []
    for name, (run, wait, slices, woken) in after.items():
        run0, wait0, slices0, woken0 = before.get(name, (0, 0, 0, 0))
        spent.append((run - run0, wait - wait0, slices - slices0, woken - woken0, name))
    print(f"  host, per request: wrk {1e6 * wrk_cpu_s / requests:.1f} us of CPU")
    for run, wait, slices, woken, name in sorted(spent, reverse=True):
        if slices:
            print(f"    {run / 1e3 / requests:7.1f} us on a CPU, {wait / 1e3 / requests:6.1f} us waiting for one,"
                  f" {slices / requests:5.2f} switches in, {woken / requests:5.2f} after blocking  {name}")


def wrk(path, connections, seconds):
    done = subprocess.run(
        ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         f"http://{http.GUEST}:{http.PORT}{path}"], capture_output=True, text=True, timeout=seconds + 60)
    return http.parse_wrk(done.stdout)


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("project")
    options.add_argument("--plugin", default="/tmp/insnprofile.so")
    options.add_argument("--no-trace", action="store_true", help="count no exits (QEMU runs faster)")
    options.add_argument("--seconds", type=int, default=4)
    options.add_argument("--runs", default="0,1", help="which of RUNS, by index (default: both 1-connection runs)")
    options.add_argument("--top", type=int, default=25)
    options.add_argument("--layers", action="store_true", help="instructions by layer too (the image's .map)")
    options.add_argument("--threads", action="store_true", help="the host threads' CPU time per request")
    arguments = options.parse_args()
    image, initrd, symbols = built_image(arguments.project)
    folder = tempfile.mkdtemp(prefix="nginx-profile-")
    out, log = os.path.join(folder, "profile"), os.path.join(folder, "trace.log")
    counting, tracing = arguments.plugin != "none", not arguments.no_trace

    with http.Namespace(f"nginx-profile-{os.getpid()}") as namespace:
        command = http.unikernel_command(image, http.MEMORY_MIB, namespace.tap)
        at = command.index("-append")
        extra = ["-initrd", initrd]
        if counting:
            extra += ["-plugin", f"{arguments.plugin},out={out}"]
        if tracing:
            events = os.path.join(folder, "events")
            with open(events, "w") as f:
                f.write("\n".join(EVENTS) + "\n")
            extra += ["-trace", f"events={events}", "-D", log]
        command = command[:at] + extra + command[at:]
        if arguments.threads:  # QEMU names its threads ("CPU 0/TCG", the main loop's own name)
            command = command[:1] + ["-name", "nginx,debug-threads=on"] + command[1:]
        with http.Guest(command) as guest:
            if not guest.start(within_s=180):
                raise SystemExit("no answer within 180 s")
            time.sleep(1)
            offset = exits_since(log, 0)[1] if tracing else 0
            previous, began = (snapshot(out) if counting else None), time.time()
            time.sleep(3)
            idle_s = time.time() - began
            idle_per_s = 0
            if counting:
                current = snapshot(out)
                idle_per_s = sum(instructions(previous, current).values()) / idle_s
                previous = current
                print(f"idle: {idle_per_s:.0f} guest instructions per second")
            if tracing:
                idle_exits, offset = exits_since(log, offset)
                print(f"idle: {sum(idle_exits.values()) / idle_s:.0f} trace events per second "
                      + ", ".join(f"{k} {v / idle_s:.0f}" for k, v in idle_exits.most_common(6)))
            for index in (int(i) for i in arguments.runs.split(",")):
                label, path, connections = RUNS[index]
                began = time.time()
                threads_before, children_before = thread_times(guest.child.pid), resource.getrusage(resource.RUSAGE_CHILDREN)
                result = wrk(path, connections, arguments.seconds)
                threads_after, children_after = thread_times(guest.child.pid), resource.getrusage(resource.RUSAGE_CHILDREN)
                seconds = time.time() - began
                requests = result["requests"]
                title = f"{label} ({result['requests_per_s']:.0f} req/s, {result['errors']} errors)"
                if counting:
                    current = snapshot(out)
                    spent = instructions(previous, current)
                    report(title, spent, requests, symbols, idle_per_s, seconds, arguments.top)
                    report_work(spent, requests, symbols)
                    if arguments.layers:
                        report_layers(spent, requests, symbols, objects_of(image + ".map"))
                    previous = current
                else:
                    print(f"{title}: {requests} requests")
                if arguments.threads:
                    wrk_cpu_s = sum(getattr(children_after, f) - getattr(children_before, f) for f in ("ru_utime", "ru_stime"))
                    report_threads(threads_before, threads_after, wrk_cpu_s, requests)
                if tracing:
                    exits, offset = exits_since(log, offset)
                    print(f"  per request: {sum(exits.values()) / requests:.2f} trace events")
                    for kind, count in exits.most_common(12):
                        print(f"    {count / requests:8.3f}  {kind}")


if __name__ == "__main__":
    main()
