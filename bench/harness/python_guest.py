"""The equal-terms side of the Python bench: the host's /usr/bin/python3.11 inside the Linux
guest of linux_guest.py (Debian's kernel, a minimal initramfs), booted by the same
qemu-system-x86_64, machine, accelerator, -m and -smp as the unikernel. A Linux guest pays
system-mode TCG's cost per memory access just as the unikernel does, which a process under
qemu-user never pays.

The initramfs holds busybox (for /init), the interpreter, the shared libraries `ldd` names
for it and for the extension modules the scripts load, and the standard-library modules the
scripts import (found by running them on the host), each as a source-less .pyc in the
module's place so nothing is compiled at start-up. /init runs the interpreter with the
arguments the kernel passes it (everything after `--` on its command line) and powers off."""

import os
import re
import stat
import tempfile
from dataclasses import dataclass

from . import boot, linux_guest, process, stats

PYTHON = "/usr/bin/python3.11"
# getpath's landmark for the prefix (os itself is frozen, so no script's import names it).
LANDMARK = "os.py"
# Printed before and after the module list, so the scripts' own output cannot be mistaken for it.
MODULES_BEGIN = "--- python-guest modules ---"
LDD_LINE = re.compile(r"^\s*(?:\S+\s+=>\s+)?(/\S+)\s+\(0x[0-9a-f]+\)\s*$")

# Runs one script as __main__ (without runpy, which would add its own imports) and then
# prints the file of every module loaded from disk.
_LIST_MODULES = """
import sys
script, *arguments = sys.argv[1:]
sys.argv = [script] + arguments
try:
    with open(script) as source:
        code = compile(source.read(), script, "exec")
    exec(code, {"__name__": "__main__", "__file__": script})
except SystemExit:
    pass
finally:
    print(%r)
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None)
        if spec is not None and getattr(spec, "has_location", False) and origin:
            print(origin)
""" % MODULES_BEGIN


@dataclass
class Guest:
    kernel: str
    initrd: str
    memory_mib: int
    target: str = "qemu/x86_64"

    def command(self, arguments):
        """QEMU's command line as for the unikernel (boot.qemu_command: same machine, -m, one
        vCPU, no -accel so QEMU's default TCG), booting Debian's kernel with
        the interpreter's `arguments`."""
        return boot.qemu_command(self.target, self.kernel, self.memory_mib, kernel_append(arguments), self.initrd)


def shared_libraries(ldd_output):
    """The absolute paths of the libraries in `ldd`'s output (the loader included; the vDSO,
    which has no file, left out), in order, each once."""
    paths = []
    for line in ldd_output.splitlines():
        match = LDD_LINE.match(line)
        if match and match.group(1) not in paths:
            paths.append(match.group(1))
    return paths


def module_files(listing_output, stdlib):
    """The module files under `stdlib` that a run of _LIST_MODULES printed after its marker,
    sorted, each once. Modules from elsewhere (the scripts, site-packages) are left out:
    the guest runs the scripts from /app and needs only the standard library."""
    if MODULES_BEGIN not in listing_output:
        raise ValueError("the module listing printed no marker: " + stats.first_line(listing_output))
    lines = listing_output.split(MODULES_BEGIN, 1)[1].splitlines()
    prefix = stdlib.rstrip("/") + "/"
    return sorted({line.strip() for line in lines if line.strip().startswith(prefix)})


def guest_path(host_file):
    """Where a module file goes in the guest: sources as source-less .pyc in their place
    (the importer's SourcelessFileLoader), extension modules as they are."""
    return host_file[:-3] + ".pyc" if host_file.endswith(".py") else host_file


def parent_directories(paths):
    """Every folder above the given absolute paths, parents first, each once: the kernel's
    initramfs unpacker creates no missing parents."""
    folders = []
    for path in paths:
        parts = path.strip("/").split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder not in folders:
                folders.append(folder)
    return folders


def init_script(python=PYTHON):
    """/init: /proc, the interpreter with the kernel's arguments for init, then power off
    (QEMU exits; -no-reboot with panic=-1 would also end it if poweroff failed)."""
    return "\n".join([
        "#!/bin/busybox sh",
        "/bin/busybox mount -t proc proc /proc",
        f'{python} "$@"',
        "/bin/busybox poweroff -f",
    ]) + "\n"


def kernel_append(arguments):
    """The kernel's command line: the console on the serial port, no boot chatter, and the
    interpreter's arguments for /init after `--`. no_timer_check: on a loaded machine TCG runs
    the guest so slowly that the kernel's check of the IO-APIC timer fails and it panics."""
    return " ".join(["console=ttyS0", "quiet", "loglevel=0", "no_timer_check", "panic=-1", "--"] + list(arguments))


def archive_entries(busybox, files, init, folders=()):
    """The initramfs's entries: parent folders and `folders`, /dev/console, null and urandom,
    busybox, `files` (guest path, bytes, mode) and /init."""
    directory = stat.S_IFDIR | 0o755
    paths = ["/bin/busybox", "/init"] + [path for path, _, _ in files]
    places = ["/dev/console", "/proc/x", "/sys/x", "/tmp/x"] + [folder + "/x" for folder in folders]
    folders = parent_directories(paths + places)
    entries = [(folder, directory, b"", None) for folder in folders]
    # The console for /init's output; urandom for the interpreter's hash seed when the
    # kernel's getrandom() is not ready yet (Python then falls back to the device).
    for name, mode, rdev in (("console", 0o600, (5, 1)), ("null", 0o666, (1, 3)), ("urandom", 0o444, (1, 9))):
        entries.append(("dev/" + name, stat.S_IFCHR | mode, b"", rdev))
    entries.append(("bin/busybox", stat.S_IFREG | 0o755, busybox, None))
    for path, data, mode in files:
        entries.append((path.lstrip("/"), stat.S_IFREG | mode, data, None))
    entries.append(("init", stat.S_IFREG | 0o755, init.encode(), None))
    return entries


def _listed_modules(script, arguments, stdlib):
    done = process.run([PYTHON, "-c", _LIST_MODULES, script] + list(arguments), timeout=600)
    if done.status != 0:
        raise ValueError(f"{PYTHON} {os.path.basename(script)} fails: " + stats.first_line(done.output))
    return module_files(done.output, stdlib)


def _ldd(path):
    done = process.run(["ldd", path])
    if done.status != 0:
        raise ValueError(f"ldd {path} fails: " + stats.first_line(done.output))
    return shared_libraries(done.output)


def _compiled(sources, folder):
    """{source: bytes of its .pyc}, compiled by the guest's own interpreter."""
    code = (
        "import py_compile, sys\n"
        "for index, source in enumerate(sys.argv[2:]):\n"
        "    py_compile.compile(source, cfile=f'{sys.argv[1]}/{index}.pyc', doraise=True,\n"
        "                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)\n"
    )
    done = process.run([PYTHON, "-c", code, folder] + list(sources), timeout=600)
    if done.status != 0:
        raise ValueError("py_compile fails: " + stats.first_line(done.output))
    out = {}
    for index, source in enumerate(sources):
        with open(os.path.join(folder, f"{index}.pyc"), "rb") as compiled:
            out[source] = compiled.read()
    return out


def build(release, busybox, scripts, output):
    """Writes the initramfs; `scripts` maps a guest path (/app/bench.py) to (host path,
    arguments of a representative run). Returns the guest paths of every file in it."""
    stdlib = os.path.dirname(os.path.realpath(os.path.join(os.path.dirname(PYTHON), "..", "lib", "python3.11",
                                                           LANDMARK)))
    modules = {os.path.join(stdlib, LANDMARK)}
    for host, arguments in scripts.values():
        modules.update(_listed_modules(host, arguments, stdlib))
    modules = sorted(modules)
    libraries = _ldd(PYTHON)
    for module in modules:
        if module.endswith(".so"):
            libraries += [lib for lib in _ldd(module) if lib not in libraries]
    files = []
    with tempfile.TemporaryDirectory() as folder:
        compiled = _compiled([m for m in modules if m.endswith(".py")], folder)
    for module in modules:
        if module in compiled:
            files.append((guest_path(module), compiled[module], 0o644))
        else:
            files.append((module, _read(module), 0o755))
    files.append((PYTHON, _read(PYTHON), 0o755))
    # At the path ldd names (the loader's is the one in the interpreter's PT_INTERP).
    files += [(library, _read(library), 0o755) for library in libraries]
    for guest, (host, _) in scripts.items():
        files.append((guest, _read(host), 0o644))
    # getpath's landmark for the exec prefix is the extension modules' folder, even empty.
    entries = archive_entries(_read(busybox), files, init_script(), [os.path.join(stdlib, "lib-dynload")])
    with open(output, "wb") as archive:
        archive.write(linux_guest.cpio_newc(entries))
    return [path for path, _, _ in files]


def _read(path):
    with open(path, "rb") as source:
        return source.read()
