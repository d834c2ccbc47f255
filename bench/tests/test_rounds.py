import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from harness import nginx, redis, rounds  # noqa: E402


class AlternateTests(unittest.TestCase):
    def test_each_side_runs_once_per_round_in_turn(self):
        order = []
        sides = [("kraft", lambda: order.append("kraft") or len(order)),
                 ("linux", lambda: order.append("linux") or len(order))]
        results = rounds.alternate(sides, 3, lambda _: None)
        self.assertEqual(order, ["kraft", "linux"] * 3)
        self.assertEqual(results, {"kraft": [1, 3, 5], "linux": [2, 4, 6]})


class RatioTests(unittest.TestCase):
    def test_the_ratio_is_taken_within_each_round(self):
        figure = rounds.ratio_figure("g", "t", "r", [300.0, 200.0, 900.0], [100.0, 100.0, 300.0], "x3")
        self.assertEqual(figure["samples"], [3.0, 2.0, 3.0])
        self.assertEqual(figure["median"], 3.0)
        self.assertNotIn("failed_runs", figure)

    def test_a_round_without_both_sides_is_left_out_and_counted(self):
        figure = rounds.ratio_figure("g", "t", "r", [300.0, None, 400.0], [100.0, 100.0, None], "x3")
        self.assertEqual(figure["samples"], [3.0])
        self.assertEqual(figure["failed_runs"], 2)

    def test_no_round_with_both_sides_gives_no_ratio(self):
        figure = rounds.ratio_figure("g", "t", "r", [None, 5.0], [1.0, 0.0], "x3")
        self.assertIn("unavailable", figure)

    def test_nginx_ratios_pair_each_configuration_within_a_round(self):
        def side(rate):
            return (0.1, {label: {"requests_per_s": rate} for label, _, _ in nginx.configurations()})
        figures = nginx.ratio_figures([side(300.0), side(500.0)], [side(100.0), None])
        self.assertEqual(len(figures), len(nginx.configurations()))
        self.assertTrue(all(f["samples"] == [3.0] and f["failed_runs"] == 1 for f in figures))

    def test_redis_ratios_pair_each_test_and_pipeline_within_a_round(self):
        def side(rate):
            return (0.1, {p: {t: rate for t in redis.TESTS} for p in redis.PIPELINES}, True)
        figures = redis.ratio_figures([side(40.0), side(30.0)], [side(20.0), side(10.0)])
        self.assertEqual(len(figures), len(redis.PIPELINES) * len(redis.TESTS))
        self.assertTrue(all(f["samples"] == [2.0, 3.0] for f in figures))


if __name__ == "__main__":
    unittest.main()
