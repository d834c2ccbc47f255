"""nginx: the kraft image of `kraft init --template nginx` (Ports/nginx) against the same nginx
(the port's pinned, patched tree, configured with the port's own CONFIGURE_OPTIONS, linked
statically with musl-gcc) in the Linux guest of linux_guest.py, both serving the same
nginx.conf and files under the same QEMU (pc, TCG), memory, one vCPU and tap network as the
http figures (http.py).

Figures per side: requests/s and p99 latency (wrk) for the 612-byte page and a 1 MiB file with 1
and 64 connections, boot to the first answered request, the bytes booted and the smallest -m
that serves. Then each configuration's requests/s ratio."""

import os
import shutil
import stat

import yaml

from . import boot, http, linux_guest, memory, process, rounds, stats
from .kraft import HarnessError, Project

GROUP = "nginx"
TARGET = http.TARGET
MEMORY_MIB = 128
PAGES = (("612-byte page", "/"), ("1 MiB file", "/1m.bin"))
CONNECTIONS = (1, 64)


def configurations():
    """(label, path, connections) for every wrk run, in order."""
    return [(f"{label}, {c} connection{'s' if c > 1 else ''}", path, c) for label, path in PAGES for c in CONNECTIONS]


def configure_options(recipe_text):
    """The port's `prepare: inputs: CONFIGURE_OPTIONS`, as a list of words."""
    recipe = yaml.safe_load(recipe_text)
    return recipe["prepare"]["inputs"]["CONFIGURE_OPTIONS"].split()


def serving_on(config_text, port):
    """The starter's nginx.conf, listening on `port` (the http figures' port) instead of 80."""
    if "listen 80;" not in config_text:
        raise ValueError("the starter's nginx.conf has no 'listen 80;'")
    return config_text.replace("listen 80;", f"listen {port};")


def wrk(path, connections, seconds):
    threads = min(connections, 2)
    done = process.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         f"http://{http.GUEST}:{http.PORT}{path}"],
        timeout=seconds + 60,
    )
    return http.parse_wrk(done.output)


def site_files(site):
    """(path in the guest, bytes) for every file of the starter's rootfs."""
    rootfs = os.path.join(site, "rootfs")
    files = []
    for folder, _, names in os.walk(rootfs):
        for name in sorted(names):
            full = os.path.join(folder, name)
            with open(full, "rb") as data:
                files.append((os.path.relpath(full, rootfs), data.read()))
    return sorted(files)


def make_site(kraft, work):
    """`kraft init --template nginx`, the port changed to http.PORT, a 1 MiB file added."""
    starter = os.path.join(work, "starter")
    shutil.rmtree(starter, ignore_errors=True)
    os.makedirs(starter)
    site = os.path.join(starter, "site")
    done = kraft.command(["init", "--template", "nginx", "site"], cwd=starter)
    if done.status != 0:
        raise HarnessError("kraft init --template nginx fails: " + stats.first_line(done.output))
    conf = os.path.join(site, "rootfs", "nginx", "conf", "nginx.conf")
    with open(conf) as f:
        text = serving_on(f.read(), http.PORT)
    with open(conf, "w") as f:
        f.write(text)
    with open(os.path.join(site, "rootfs", "nginx", "html", "1m.bin"), "wb") as f:
        f.write(os.urandom(1024 * 1024))
    return site


def build_linux_nginx(kraft, site, recipe, work):
    """nginx from the port's own tree (`kraft port edit`), configured as the port configures
    it, linked statically with musl-gcc. Its path."""
    tree = os.path.join(work, "nginx-src")
    shutil.rmtree(tree, ignore_errors=True)
    done = kraft.command(["port", "edit", "nginx", "--into", tree], cwd=site)
    if done.status != 0:
        raise HarnessError("kraft port edit nginx fails: " + stats.first_line(done.output))
    with open(recipe) as f:
        options = configure_options(f.read())
    # nginx's Linux header includes <crypt.h>, which Debian's musl-dev leaves out (musl has it,
    # and libc.a has crypt); crypt itself is only used by auth_basic, which is not built.
    shim = os.path.join(work, "crypt-include")
    os.makedirs(shim, exist_ok=True)
    with open(os.path.join(shim, "crypt.h"), "w") as f:
        f.write("char *crypt(const char *, const char *);\n")
    configured = process.run(
        ["./configure", "--with-cc=musl-gcc", f"--with-cc-opt=-I{shim}", "--with-ld-opt=-static"] + options,
        cwd=tree, timeout=900)
    if configured.status != 0:
        raise HarnessError("nginx's configure fails: " + stats.first_line(configured.output))
    built = process.run(["make", "-j", "2"], cwd=tree, timeout=1800)
    if built.status != 0:
        raise HarnessError("nginx's make fails: " + stats.first_line(built.output))
    return os.path.join(tree, "objs", "nginx")


def folders_of(paths):
    """Every folder the paths lie in, parents first (the kernel's unpacker makes none itself)."""
    folders = set()
    for path in paths:
        folder = os.path.dirname(path)
        while folder not in ("/", ""):
            folders.add(folder)
            folder = os.path.dirname(folder)
    return sorted(folders)


def linux_initramfs(release, nginx, site, output):
    files = [("/" + path, stat.S_IFREG | 0o644, data, None) for path, data in site_files(site)]
    extra = [(folder, stat.S_IFDIR | 0o755, b"", None) for folder in folders_of([p for p, *_ in files] + ["/tmp/"])]
    return linux_guest.build_initramfs(
        release, shutil.which("busybox"), nginx, f"{http.GUEST}/{http.PREFIX}", http.HOST, http.PORT, output,
        command="/server", extra_entries=extra + files,
    )


def serve_once(command_for, seconds, log):
    """One boot of one side and every wrk configuration: (boot seconds, {label: wrk result}),
    or None when the guest did not answer HTTP within 180 s."""
    with http.Guest(command_for(MEMORY_MIB)) as guest:
        if not guest.start(within_s=180):
            log("    no answer within 180 s")
            return None
        results = {}
        for label, path, connections in configurations():
            results[label] = result = wrk(path, connections, seconds)
            log(f"    {label}: {result['requests_per_s']:.0f} req/s, p99 {result['p99_ms']:.2f} ms, "
                f"{result['errors']} errors")
        return guest.first_answer_s, results


def side_figures(subject, per_round, command_for, booted_bytes):
    """One side's figures from its rounds (each figure's samples are the rounds'), then its
    smallest -m."""
    measured = [r for r in per_round if r]
    if not measured:
        return [stats.unavailable(GROUP, subject, TARGET, "every figure",
                                  "the guest did not answer HTTP within 180 s")]
    figures = []
    for label, _, _ in configurations():
        results = [by_label[label] for _, by_label in measured]
        figures.append(stats.figure(GROUP, subject, TARGET, f"requests/s ({label})", "req/s",
                                    [r["requests_per_s"] for r in results],
                                    errors=sum(r["errors"] for r in results),
                                    requests=[r["requests"] for r in results]))
        figures.append(stats.figure(GROUP, subject, TARGET, f"p99 latency ({label})", "ms",
                                    [r["p99_ms"] for r in results]))
    boots = [boot_s for boot_s, _ in measured]
    figures.append(stats.figure(GROUP, subject, TARGET, "boot to first answered request", "s", boots,
                                memory_mib=MEMORY_MIB))
    figures.append(stats.figure(GROUP, subject, TARGET, "bytes booted", "bytes", [booted_bytes]))

    def serves_at(mib):
        with http.Guest(command_for(mib)) as probe:
            return probe.start(within_s=max(10.0, 5 * max(boots)))

    smallest, probes = memory.bisect(serves_at, 0, MEMORY_MIB)
    figures.append(stats.figure(GROUP, subject, TARGET, "smallest -m that serves", "MiB", [smallest], probes=probes))
    return figures


def ratio_figures(mine, theirs):
    """Per configuration, the ratio of the two sides' requests/s in each round."""
    def rates(per_round, label):
        return [r[1][label]["requests_per_s"] if r else None for r in per_round]

    return [rounds.ratio_figure(GROUP, TARGET, f"requests/s ratio ({label})", rates(mine, label),
                                rates(theirs, label), "at least x3 (issue 17)")
            for label, _, _ in configurations()]


def measure(kraft, recipe, work, log, seconds=10, rounds_wanted=3):
    subjects = ("nginx (kraft)", "nginx (linux guest)")
    release, no_kernel = linux_guest.kernel_release()
    reason = http.missing_tools() or no_kernel
    if reason:
        return [stats.unavailable(GROUP, s, TARGET, "every figure", reason) for s in subjects]
    os.makedirs(work, exist_ok=True)
    figures = []
    image = initrd = site = None
    try:
        project = Project.copy(kraft, make_site(kraft, work), os.path.join(work, "site"))
        site = project.directory
        log("  building the kraft image")
        build = kraft.build(project, targets=[TARGET])
        if not build.ok:
            raise HarnessError("kraft build fails: " + stats.first_line(build.completed.output))
        image = project.image(TARGET)
        initrd = os.path.join(project.outdir, project.name + ".initrd")
        unikernel_reason = None
    except HarnessError as error:
        unikernel_reason = str(error)

    linux_reason, kernel, linux_initrd = None, os.path.join("/boot", "vmlinuz-" + str(release)), None
    try:
        if site is None:
            raise HarnessError("no site: " + str(unikernel_reason))
        log("  building nginx for the Linux guest")
        nginx = build_linux_nginx(kraft, site, recipe, work)
        linux_initrd = linux_initramfs(release, nginx, site, os.path.join(work, "linux-initramfs.cpio"))
    except (HarnessError, OSError, ValueError) as error:
        linux_reason = str(error)

    def unikernel(mib, tap):
        append = f"netdev.ip={http.GUEST}/{http.PREFIX}:{http.HOST} --"
        return http.with_network(boot.qemu_command(TARGET, image, mib, append, initrd), tap)

    with http.Namespace(f"kraft-bench-nginx-{os.getpid()}") as namespace:
        sides = []
        if image:
            sides.append((subjects[0], lambda: serve_once(lambda mib: unikernel(mib, namespace.tap), seconds, log)))
        else:
            figures.append(stats.unavailable(GROUP, subjects[0], TARGET, "every figure", unikernel_reason))
        if not linux_reason:
            sides.append((subjects[1], lambda: serve_once(
                lambda mib: http.linux_command(kernel, linux_initrd, mib, namespace.tap), seconds, log)))
        else:
            figures.append(stats.unavailable(GROUP, subjects[1], TARGET, "every figure", linux_reason))
        measured = rounds.alternate(sides, rounds_wanted, log)
        if image:
            figures += side_figures(subjects[0], measured[subjects[0]], lambda mib: unikernel(mib, namespace.tap),
                                    os.path.getsize(image) + os.path.getsize(initrd))
        if not linux_reason:
            figures += side_figures(subjects[1], measured[subjects[1]],
                                    lambda mib: http.linux_command(kernel, linux_initrd, mib, namespace.tap),
                                    os.path.getsize(kernel) + os.path.getsize(linux_initrd))
    none = [None] * rounds_wanted
    figures += ratio_figures(measured.get(subjects[0], none), measured.get(subjects[1], none))
    return figures
