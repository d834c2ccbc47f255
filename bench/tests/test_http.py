"""Unit tests of the HTTP benchmark's logic (no QEMU, no namespace):
python3 -m unittest discover -s bench/tests"""

import os
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import http, linux_guest, report, stats  # noqa: E402

WRK_OUTPUT = """Running 10s test @ http://172.44.0.2:8080/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.98ms    1.20ms  30.12ms   97.00%
    Req/Sec     1.02k    80.11     1.20k    70.00%
  Latency Distribution
     50%  812.00us
     75%    1.01ms
     90%    1.30ms
     99%    8.10ms
  10175 requests in 10.01s, 1.01MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   1016.48
Transfer/sec:    103.24KB
"""

MODULES_DEP = """kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
"""


class WrkTests(unittest.TestCase):
    def test_rate_p99_and_errors(self):
        parsed = http.parse_wrk(WRK_OUTPUT)
        self.assertEqual(parsed["requests_per_s"], 1016.48)
        self.assertAlmostEqual(parsed["p99_ms"], 8.10)
        self.assertEqual(parsed["requests"], 10175)
        self.assertEqual(parsed["errors"], 7)

    def test_latency_units(self):
        for text, ms in (("99%  450.00us", 0.45), ("99%    1.50s", 1500.0), ("99%    2.00ms", 2.0)):
            output = WRK_OUTPUT.replace("99%    8.10ms", text)
            self.assertAlmostEqual(http.parse_wrk(output)["p99_ms"], ms)

    def test_output_without_figures_is_an_error(self):
        with self.assertRaises(ValueError):
            http.parse_wrk("unable to connect to 172.44.0.2:8080 Connection refused\n")


class CommandTests(unittest.TestCase):
    def test_both_guests_get_the_same_machine_and_network(self):
        unikernel = http.unikernel_command("/img", 128, "tap0")
        linux = http.linux_command("/vmlinuz", "/initrd", 128, "tap0")
        for command in (unikernel, linux):
            self.assertNotIn("-nic", command)
            self.assertEqual(command[:3], ["qemu-system-x86_64", "-M", "pc"])
            self.assertIn("tap,id=net0,ifname=tap0,script=no,downscript=no", command)
            self.assertIn(f"virtio-net-pci,netdev=net0,romfile=,mac={http.MAC}", command)
            self.assertEqual(command[command.index("-m") + 1], "128")
            self.assertNotIn("-enable-kvm", command)
        self.assertEqual(unikernel[unikernel.index("-append") + 1], "netdev.ip=172.44.0.2/24:172.44.0.1 --")
        self.assertEqual(linux[linux.index("-initrd") + 1], "/initrd")

    def test_ratio_is_kraft_over_linux(self):
        figures = [
            stats.figure("network", "k", "t", "requests/s (wrk, 1 connection)", "req/s", [300, 330]),
            stats.figure("network", "l", "t", "requests/s (wrk, 1 connection)", "req/s", [100]),
        ]
        ratio = http.ratio_figure(figures, "k", "l")
        self.assertAlmostEqual(ratio["median"], 3.15)
        self.assertIn("x3.15", report.render_table([ratio]))
        missing = http.ratio_figure(figures[:1], "k", "l")
        self.assertIn("unavailable", missing)


class LinuxGuestTests(unittest.TestCase):
    def test_modules_load_dependencies_first_each_once(self):
        order = linux_guest.module_order(MODULES_DEP, ("virtio_pci", "virtio_net"))
        names = [os.path.basename(path) for path in order]
        self.assertEqual(len(names), len(set(names)))
        for before, after in (("virtio.ko", "virtio_pci.ko"), ("virtio_pci_modern_dev.ko", "virtio_pci.ko"),
                              ("failover.ko", "net_failover.ko"), ("net_failover.ko", "virtio_net.ko")):
            self.assertLess(names.index(before), names.index(after))
        with self.assertRaises(ValueError):
            linux_guest.module_order(MODULES_DEP, ("e1000",))

    def test_init_configures_eth0_and_execs_the_server(self):
        script = linux_guest.init_script(["kernel/x/a.ko", "kernel/y/b.ko"], "172.44.0.2/24", "172.44.0.1", 8080)
        lines = script.splitlines()
        self.assertEqual(lines[0], "#!/bin/busybox sh")
        self.assertLess(lines.index("/bin/busybox insmod /modules/a.ko"), lines.index("/bin/busybox insmod /modules/b.ko"))
        self.assertIn("/bin/busybox ip addr add 172.44.0.2/24 dev eth0", lines)
        self.assertEqual(lines[-1], "exec /server 8080")

    def test_initramfs_is_newc_with_console_and_init(self):
        entries = linux_guest.initramfs_entries(b"BB", b"SRV", [("virtio.ko", b"K")], "#!/bin/busybox sh\n")
        archive = linux_guest.cpio_newc(entries)
        self.assertTrue(archive.startswith(b"070701"))
        self.assertEqual(len(archive) % 4, 0)
        names = linux_guest.read_cpio_names(archive)
        self.assertEqual(set(names), {"dev", "proc", "sys", "bin", "modules", "dev/console", "bin/busybox", "server",
                                      "modules/virtio.ko", "init"})
        console = next(e for e in entries if e[0] == "dev/console")
        self.assertTrue(stat.S_ISCHR(console[1]))
        self.assertEqual(console[3], (5, 1))
        # The file data follows its header, 4-byte aligned.
        self.assertIn(b"SRV", archive)


if __name__ == "__main__":
    unittest.main()
