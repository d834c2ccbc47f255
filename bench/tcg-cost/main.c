/*
 * What QEMU's system-mode TCG costs over its user-mode TCG, per kind of guest work: the same
 * loops run as a kraft unikernel (qemu-system-x86_64 -M pc) and as a Linux process under
 * qemu-x86_64; measure.sh times both processes (docs/python.md, "Compute").
 */
#include <stdio.h>

#define BIG (8u << 20)
static unsigned long big[BIG / sizeof(unsigned long)];
static unsigned long small[2048]; /* 16 KiB */
static unsigned char code[4096];
static long stack[64];

__attribute__((noinline)) static unsigned long compute(long n)
{
	unsigned long x = 88172645463325252UL;
	for (long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

/* Loads and stores that stay in a few pages (the softmmu TLB always hits). */
__attribute__((noinline)) static unsigned long memsmall(long n)
{
	unsigned long s = 0;
	for (long i = 0; i < n; i++) {
		unsigned long j = (i * 7) & 2047;
		small[j] += s;
		s += small[(j + 5) & 2047];
	}
	return s;
}

/* The same over 8 MiB: 2048 pages, more than the softmmu TLB keeps at first. */
__attribute__((noinline)) static unsigned long membig(long n)
{
	unsigned long s = 0, mask = BIG / sizeof(unsigned long) - 1;
	for (long i = 0; i < n; i++) {
		unsigned long j = (i * 4099) & mask;
		big[j] += s;
		s += big[(j + 517) & mask];
	}
	return s;
}

static void reload_cr3(void)
{
#ifdef __x86_64__
	unsigned long v;
	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(v) : : "memory");
#endif
}

/* membig, reloading CR3 every 2^20 iterations (a unikernel in ring 0 may). */
__attribute__((noinline)) static unsigned long membigflush(long n)
{
	unsigned long s = 0, mask = BIG / sizeof(unsigned long) - 1;
	for (long i = 0; i < n; i++) {
		unsigned long j = (i * 4099) & mask;
		big[j] += s;
		s += big[(j + 517) & mask];
		if ((i & ((1 << 20) - 1)) == 0)
			reload_cr3();
	}
	return s;
}

/* An interpreter's shape: a byte-code loop with computed gotos and a stack in memory. */
__attribute__((noinline)) static long interp(long n)
{
	static void *ops[4] = {&&push, &&add, &&dup, &&pop};
	long sp = 0, acc = 0;
	for (long i = 0; i < n; i++) {
		const unsigned char *pc = code;
#define NEXT goto *ops[*pc++ & 3]
		NEXT;
	push:
		if (pc >= code + 64) continue;
		stack[sp++ & 63] = (long)*pc;
		NEXT;
	add:
		if (pc >= code + 64) continue;
		acc += stack[(sp - 1) & 63] + stack[(sp - 2) & 63];
		NEXT;
	dup:
		if (pc >= code + 64) continue;
		stack[sp & 63] = stack[(sp - 1) & 63];
		sp++;
		NEXT;
	pop:
		if (pc >= code + 64) continue;
		sp--;
		NEXT;
	}
	return acc + sp;
}

typedef long (*fn)(long);
__attribute__((noinline)) static long f1(long x) { return x * 3 + 1; }
__attribute__((noinline)) static long f2(long x) { return x ^ (x >> 3); }
static fn table[2] = {f1, f2};

/* Indirect calls and returns (each return is an indirect jump to TCG). */
__attribute__((noinline)) static long calls(long n)
{
	long x = 1;
	for (long i = 0; i < n; i++)
		x = table[i & 1](x);
	return x;
}

static unsigned long interp_u(long n) { return (unsigned long)interp(n); }
static unsigned long calls_u(long n) { return (unsigned long)calls(n); }

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* main NAME N: run loop NAME N times; the harness times the whole process (CPU time), once
 * with N and once with 0, so neither QEMU's start nor the machine's load is counted. */
int main(int argc, char *argv[])
{
	if (argc != 3)
		return 2;
	long n = 0;
	for (const char *p = argv[2]; *p; p++)
		n = n * 10 + (*p - '0');
	unsigned long seed = 12345;
	for (unsigned i = 0; i < sizeof code; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		code[i] = (unsigned char)(seed >> 60);
	}
	unsigned long r;
	if (same(argv[1], "compute")) r = compute(n);
	else if (same(argv[1], "memsmall")) r = memsmall(n);
	else if (same(argv[1], "membig")) r = membig(n);
	else if (same(argv[1], "membigflush")) r = membigflush(n);
	else if (same(argv[1], "interp")) r = interp_u(n);
	else if (same(argv[1], "calls")) r = calls_u(n);
	else return 2;
	printf("tcg %s %ld %lu\n", argv[1], n, r);
	return 0;
}
