"""CPU loops in the style of pyperformance, timed by the program itself so the figure does not
include how the interpreter was started: `bench.py NAME` runs one untimed warm-up round and one
timed round and prints `bench NAME 1 iterations T ns` (the line format of bench/programs).
The same file runs in the unikernel and under the host's python3.11."""

import sys
import time


def nbody(steps=20000):
    """The Benchmarks Game's n-body: five bodies, symplectic integration."""
    pi = 3.141592653589793
    solar_mass = 4 * pi * pi
    days = 365.24
    bodies = [
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], solar_mass],
        [[4.84143144246472090e00, -1.16032004402742839e00, -1.03622044471123109e-01],
         [1.66007664274403694e-03 * days, 7.69901118419740425e-03 * days, -6.90460016972063023e-05 * days],
         9.54791938424326609e-04 * solar_mass],
        [[8.34336671824457987e00, 4.12479856412430479e00, -4.03523417114321381e-01],
         [-2.76742510726862411e-03 * days, 4.99852801234917238e-03 * days, 2.30417297573763929e-05 * days],
         2.85885980666130812e-04 * solar_mass],
        [[1.28943695621391310e01, -1.51111514016986312e01, -2.23307578892655734e-01],
         [2.96460137564761618e-03 * days, 2.37847173959480950e-03 * days, -2.96589568540237556e-05 * days],
         4.36624404335156298e-05 * solar_mass],
        [[1.53796971148509165e01, -2.59193146099879641e01, 1.79258772950371181e-01],
         [2.68067772490389322e-03 * days, 1.62824170038242295e-03 * days, -9.51592254519715870e-05 * days],
         5.15138902046611451e-05 * solar_mass],
    ]
    pairs = [(bodies[i], bodies[j]) for i in range(len(bodies)) for j in range(i + 1, len(bodies))]
    dt = 0.01
    for _ in range(steps):
        for (p1, v1, m1), (p2, v2, m2) in pairs:
            dx, dy, dz = p1[0] - p2[0], p1[1] - p2[1], p1[2] - p2[2]
            distance2 = dx * dx + dy * dy + dz * dz
            magnitude = dt / (distance2 * distance2 ** 0.5)
            b1, b2 = m1 * magnitude, m2 * magnitude
            v1[0] -= dx * b2
            v1[1] -= dy * b2
            v1[2] -= dz * b2
            v2[0] += dx * b1
            v2[1] += dy * b1
            v2[2] += dz * b1
        for position, velocity, _ in bodies:
            position[0] += dt * velocity[0]
            position[1] += dt * velocity[1]
            position[2] += dt * velocity[2]
    return bodies[0][0][0]


def spectral_norm(size=120):
    """The Benchmarks Game's spectral norm: power iteration on an implicit matrix."""

    def entry(i, j):
        return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)

    def times(vector, transpose):
        n = len(vector)
        if transpose:
            return [sum(entry(j, i) * vector[j] for j in range(n)) for i in range(n)]
        return [sum(entry(i, j) * vector[j] for j in range(n)) for i in range(n)]

    u = [1.0] * size
    for _ in range(10):
        v = times(times(u, False), True)
        u = times(times(v, False), True)
    return (sum(a * b for a, b in zip(u, v)) / sum(b * b for b in v)) ** 0.5


def fannkuch(n=8):
    """The Benchmarks Game's fannkuch-redux: permutations and prefix reversals (lists, ints)."""
    permutation = list(range(n))
    count = [0] * n
    checksum, most, sign, r = 0, 0, 1, n
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        flipped = permutation[:]
        flips = 0
        first = flipped[0]
        while first:
            flipped[: first + 1] = flipped[first::-1]
            flips += 1
            first = flipped[0]
        most = max(most, flips)
        checksum += flips * sign
        while True:
            if r == n:
                return checksum, most
            head = permutation[0]
            permutation[:r] = permutation[1 : r + 1]
            permutation[r] = head
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1
        sign = -sign


def words(rounds=3000):
    """Dictionaries and strings: count the words of a generated text, join and split it."""
    vocabulary = [f"w{n:03d}" for n in range(300)]
    total = 0
    for round_ in range(rounds):
        text = " ".join(vocabulary[(round_ * 7 + n * 13) % 300] for n in range(60))
        counts = {}
        for word in text.split():
            counts[word] = counts.get(word, 0) + 1
        total += len(counts) + len(sorted(counts, key=counts.get))
    return total


BENCHMARKS = {"nbody": nbody, "spectral_norm": spectral_norm, "fannkuch": fannkuch, "words": words}


def main(arguments):
    if len(arguments) != 1 or arguments[0] not in BENCHMARKS:
        print(f"bench-error usage: bench.py {'|'.join(BENCHMARKS)}")
        return 2
    name = arguments[0]
    run = BENCHMARKS[name]
    run()
    start = time.perf_counter_ns()
    run()
    print(f"bench {name} 1 iterations {time.perf_counter_ns() - start} ns")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
