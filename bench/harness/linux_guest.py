"""The Linux guest the HTTP benchmark compares kraft against: Debian's kernel
(linux-image-amd64) with a minimal initramfs built here: busybox-static, the virtio-net modules
and their dependencies (Debian builds virtio as modules), the HTTP server linked statically with
musl-gcc, and an /init script that loads the modules, sets the address and runs the server."""

import os
import stat

# What the guest needs for a virtio-net NIC on QEMU's pc machine (PCI transport).
MODULES = ("virtio_pci", "virtio_net")


def module_order(modules_dep, wanted):
    """Module paths (relative to /lib/modules/<release>/) in load order, dependencies first,
    each once, from the text of modules.dep (`path: dep1 dep2`)."""
    depends = {}
    by_name = {}
    for line in modules_dep.splitlines():
        if ":" not in line:
            continue
        path, rest = line.split(":", 1)
        path = path.strip()
        depends[path] = rest.split()
        by_name[_module_name(path)] = path
    order = []

    def visit(path, trail):
        if path in order:
            return
        if path in trail:
            raise ValueError(f"modules.dep has a cycle through {path}")
        for dependency in depends.get(path, []):
            visit(dependency, trail + [path])
        order.append(path)

    for name in wanted:
        if name not in by_name:
            raise ValueError(f"module {name} is not in modules.dep")
        visit(by_name[name], [])
    return order


def _module_name(path):
    base = os.path.basename(path)
    for suffix in (".ko.xz", ".ko.zst", ".ko.gz", ".ko"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.replace("-", "_")


def init_script(modules, address, gateway, port, arguments=None):
    """/init: modules in order, the address on eth0, then the server as the only process
    (`/server PORT`, or `/server ARGUMENTS`)."""
    lines = ["#!/bin/busybox sh", "/bin/busybox mount -t proc proc /proc"]
    lines += [f"/bin/busybox insmod /modules/{os.path.basename(m)}" for m in modules]
    lines += [
        "/bin/busybox ip link set lo up",
        "/bin/busybox ip link set eth0 up",
        f"/bin/busybox ip addr add {address} dev eth0",
        f"/bin/busybox ip route add default via {gateway}",
        f"exec /server {arguments or port}",
    ]
    return "\n".join(lines) + "\n"


def cpio_newc(entries):
    """A cpio archive in the kernel's initramfs format (newc). Each entry is (path, mode,
    data, rdev): mode holds the file type (stat.S_IFREG, S_IFDIR, S_IFCHR), rdev is
    (major, minor) for device nodes."""
    out = bytearray()

    def add(name, mode, data, rdev, inode):
        name_bytes = name.encode() + b"\0"
        header = b"070701" + b"".join(
            b"%08X" % value
            for value in (
                inode, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0,
            )
        )
        out.extend(header + name_bytes)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for inode, (path, mode, data, rdev) in enumerate(entries, start=1):
        add(path.lstrip("/"), mode, data, rdev or (0, 0), inode)
    add("TRAILER!!!", 0, b"", (0, 0), 0)
    return bytes(out)


def initramfs_entries(busybox, server, modules, init):
    """The archive's entries: directories, /dev/console (the kernel opens it for /init's
    output before anything is mounted), busybox, the server, the modules and /init."""
    directory = stat.S_IFDIR | 0o755
    entries = [(d, directory, b"", None) for d in ("dev", "proc", "sys", "bin", "modules")]
    entries.append(("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)))
    entries.append(("bin/busybox", stat.S_IFREG | 0o755, busybox, None))
    entries.append(("server", stat.S_IFREG | 0o755, server, None))
    for name, data in modules:
        entries.append(("modules/" + name, stat.S_IFREG | 0o644, data, None))
    entries.append(("init", stat.S_IFREG | 0o755, init.encode(), None))
    return entries


def read_cpio_names(archive):
    """The names in a newc archive (for tests and checks)."""
    names, offset = [], 0
    while offset < len(archive):
        header = archive[offset : offset + 110]
        if header[:6] != b"070701":
            raise ValueError(f"no newc header at {offset}")
        fields = [int(header[6 + 8 * i : 14 + 8 * i], 16) for i in range(13)]
        size, name_size = fields[6], fields[11]
        name = archive[offset + 110 : offset + 110 + name_size - 1].decode()
        offset += 110 + name_size
        offset += -offset % 4
        offset += size + (-size % 4)
        if name == "TRAILER!!!":
            break
        names.append(name)
    return names


def kernel_release(boot_folder="/boot"):
    """The newest /boot/vmlinuz-<release> and its release, or (None, reason)."""
    if not os.path.isdir(boot_folder):
        return None, "no /boot (install linux-image-amd64)"
    kernels = sorted(f for f in os.listdir(boot_folder) if f.startswith("vmlinuz-"))
    if not kernels:
        return None, "no /boot/vmlinuz-* (install the Debian package linux-image-amd64)"
    return kernels[-1][len("vmlinuz-") :], None


def build_initramfs(release, busybox_path, server_path, address, gateway, port, output, arguments=None):
    """Writes the initramfs; returns its path."""
    modules_root = os.path.join("/lib/modules", release)
    with open(os.path.join(modules_root, "modules.dep")) as dep:
        order = module_order(dep.read(), MODULES)
    modules = []
    for path in order:
        if not path.endswith(".ko"):
            raise ValueError(f"{path} is compressed; the bench loads plain .ko files")
        with open(os.path.join(modules_root, path), "rb") as module:
            modules.append((os.path.basename(path), module.read()))
    with open(busybox_path, "rb") as busybox, open(server_path, "rb") as server:
        entries = initramfs_entries(
            busybox.read(), server.read(), modules, init_script(order, address, gateway, port, arguments)
        )
    with open(output, "wb") as archive:
        archive.write(cpio_newc(entries))
    return output
