"""HTTP serving with many connections: the epoll server of Tests/Images/net-http-load in a kraft
image against the same source linked statically with musl-gcc in the Linux guest, under the same
QEMU, memory, vCPU and tap device as http.py (whose namespace, guests and wrk parser it uses).

Figures per side and per connection count (1 and 64): requests/s and p99 latency (wrk, keep-alive,
`runs` runs of `seconds`), then kraft's requests/s over the Linux guest's for each count."""

import os

from . import http, linux_guest, stats

CONNECTIONS = (1, 64)


def side_figures(subject, command, runs, seconds, log):
    figures = []
    with http.Guest(command) as guest:
        if not guest.start(within_s=180):
            return [stats.unavailable(http.GROUP, subject, http.TARGET, "every figure",
                                      "the guest did not answer HTTP within 180 s")]
        for connections in CONNECTIONS:
            threads = 1 if connections == 1 else 2
            log(f"  {subject}: wrk -c {connections}, {runs} x {seconds} s")
            results = [http.wrk(seconds, connections=connections, threads=threads) for _ in range(runs)]
            figures.append(stats.figure(
                http.GROUP, subject, http.TARGET, f"requests/s (wrk, {connections} connections)", "req/s",
                [r["requests_per_s"] for r in results],
                errors=sum(r["errors"] for r in results), requests=[r["requests"] for r in results]))
            figures.append(stats.figure(http.GROUP, subject, http.TARGET, f"p99 latency ({connections} connections)",
                                        "ms", [r["p99_ms"] for r in results]))
    return figures


def measure(kraft, project_folder, work, log, runs=3, seconds=10):
    subjects = ("net-http-load (kraft)", "net-http-load (linux guest)")
    release, no_kernel = linux_guest.kernel_release()
    reason = http.missing_tools() or no_kernel
    if reason:
        return [stats.unavailable(http.GROUP, s, http.TARGET, "every figure", reason) for s in subjects]
    os.makedirs(work, exist_ok=True)
    figures = []

    log("  building the kraft image (net-http-load)")
    image, unikernel_reason = http.build_image(kraft, project_folder, os.path.join(work, "net-http-load"))
    sources = [os.path.join(project_folder, name) for name in ("main.c", "sha256.c")]
    kernel, initrd, linux_reason = http.linux_side(release, sources, work, "net-http-load")

    with http.Namespace(f"kraft-bench-load-{os.getpid()}") as namespace:
        if image:
            figures += side_figures(subjects[0], http.unikernel_command(image, http.MEMORY_MIB, namespace.tap),
                                    runs, seconds, log)
        else:
            figures.append(stats.unavailable(http.GROUP, subjects[0], http.TARGET, "every figure", unikernel_reason))
        if not linux_reason:
            figures += side_figures(subjects[1], http.linux_command(kernel, initrd, http.MEMORY_MIB, namespace.tap),
                                    runs, seconds, log)
        else:
            figures.append(stats.unavailable(http.GROUP, subjects[1], http.TARGET, "every figure", linux_reason))
    for connections in CONNECTIONS:
        figures.append(http.ratio_figure(
            figures, *subjects, rate=f"requests/s (wrk, {connections} connections)",
            name=f"requests/s ratio ({connections} connections)", ratio_subject="kraft vs linux (epoll server)"))
    return figures
