"""The benchmark harness behind bench/run: measures kraft's builds, images, boots, memory
needs and runtime costs the same way every time, and writes a table and JSON."""
