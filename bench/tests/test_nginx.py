import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from harness import linux_guest, nginx  # noqa: E402

REPOSITORY = os.path.join(os.path.dirname(__file__), "..", "..")


class NginxBenchTests(unittest.TestCase):
    def test_four_wrk_runs_page_and_file_by_one_and_sixty_four_connections(self):
        self.assertEqual(
            [(path, c) for _, path, c in nginx.configurations()],
            [("/", 1), ("/", 64), ("/1m.bin", 1), ("/1m.bin", 64)],
        )
        self.assertEqual(nginx.configurations()[1][0], "612-byte page, 64 connections")

    def test_the_linux_nginx_is_configured_with_the_ports_own_options(self):
        with open(os.path.join(REPOSITORY, "Ports", "nginx", "port.yaml")) as recipe:
            options = nginx.configure_options(recipe.read())
        self.assertIn("--without-http_rewrite_module", options)
        self.assertTrue(all(option.startswith("--") for option in options))

    def test_the_starter_config_moves_to_the_bench_port(self):
        self.assertIn("listen 8080;", nginx.serving_on("server {\n    listen 80;\n}\n", 8080))
        with self.assertRaises(ValueError):
            nginx.serving_on("server { listen 443; }", 8080)

    def test_every_parent_folder_comes_before_its_files(self):
        self.assertEqual(nginx.folders_of(["/nginx/conf/nginx.conf", "/etc/passwd", "/tmp/"]),
                         ["/etc", "/nginx", "/nginx/conf", "/tmp"])

    def test_init_runs_the_given_command(self):
        script = linux_guest.init_script([], "172.44.0.2/24", "172.44.0.1", 8080, command="/server")
        self.assertTrue(script.endswith("exec /server\n"))
        self.assertIn("exec /server 8080\n", linux_guest.init_script([], "a/24", "b", 8080))


if __name__ == "__main__":
    unittest.main()
