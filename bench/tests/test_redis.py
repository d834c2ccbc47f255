import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from harness import linux_guest, redis  # noqa: E402


class RedisHarnessTests(unittest.TestCase):
    def test_benchmark_csv_gives_requests_per_second_per_test(self):
        text = ('"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms"\n'
                '"SET","12345.68","3.1","0.5","2.9"\n"GET","23456.79","1.9","0.4","1.8"\n')
        self.assertEqual(redis.parse_benchmark_csv(text), {"SET": 12345.68, "GET": 23456.79})

    def test_benchmark_csv_without_figures_gives_nothing(self):
        self.assertEqual(redis.parse_benchmark_csv("Could not connect to Redis\n"), {})

    def test_linux_init_runs_the_server_with_its_arguments(self):
        script = linux_guest.init_script([], "172.44.0.2/24", "172.44.0.1", 6379, f"/server {redis.LINUX_ARGUMENTS}")
        self.assertTrue(script.endswith(f"exec /server {redis.LINUX_ARGUMENTS}\n"))
        self.assertTrue(linux_guest.init_script([], "a", "g", 8080).endswith("exec /server 8080\n"))


if __name__ == "__main__":
    unittest.main()
