/* branches.so: a QEMU TCG plugin that writes what a CPU's last-branch records
 * (Intel LBR, as `perf record -b` samples them) would say about a guest run,
 * but exact: every translated block executed, as the range of addresses it ran
 * straight through, and every taken branch between blocks, each with its count.
 * bench/python/sample_profile.py turns that into an LLVM sample profile
 * (llvm-profgen's unsymbolized input) for clang's -fprofile-sample-use: AutoFDO
 * without sampling, and without a PMU, which TCG does not model.
 *
 * Per executed block: a range "R first_insn last_insn count" (llvm-profgen's
 * ranges end at the last instruction's address, not after it). Per transition
 * from block A to block B where B does not start right after A's last
 * instruction (a jump or call taken, a return, an interrupt): a branch "B
 * from_insn to_addr count", from A's last instruction. A block that ends
 * because TCG split it (a page end, the block size limit) falls through into
 * the next one: no branch, as on hardware. Only blocks whose first address is
 * in one of the ranges given are counted (range=LO-HI, repeatable: the image's
 * text), so firmware and anything else before the image's code neither counts
 * nor makes a branch.
 *
 *   qemu-system-x86_64 ... -icount shift=0,sleep=off \
 *     -plugin ./branches.so,range=0x100000-0x900000,out=/tmp/run.branches
 * Build: cc -O2 -shared -fPIC -o branches.so branches.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address_ranges.h"
#include "qemu_plugin_api.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
	uint64_t first, last, after,
	    execs; /* after: the address following the last instruction */
	struct block *next; /* every translation, for the ranges at exit */
};
static struct block *translations;

static char *out_path;

/* Taken branches by (from instruction, to address): open addressing, grown when
 * half full (CPython's run takes a few hundred thousand distinct ones). */
struct branch {
	uint64_t from, to, count;
};
static struct branch *branches;
static uint64_t branch_slots, branch_used;

static struct branch *slot_of(struct branch *table, uint64_t slots,
                              uint64_t from, uint64_t to)
{
	uint64_t hash =
	    (from * 0x9E3779B97F4A7C15ull) ^ (to * 0xC2B2AE3D27D4EB4Full);
	for (uint64_t probe = 0;; probe++) {
		struct branch *b = &table[(hash + probe) & (slots - 1)];
		if (b->count == 0 || (b->from == from && b->to == to))
			return b;
	}
}

static void grow(void)
{
	uint64_t slots = branch_slots ? branch_slots * 2 : 1u << 16;
	struct branch *table = calloc(slots, sizeof *table);
	if (!table) {
		fprintf(stderr, "branches: out of memory\n");
		exit(1);
	}
	for (uint64_t i = 0; i < branch_slots; i++)
		if (branches[i].count)
			*slot_of(table, slots, branches[i].from,
			         branches[i].to) = branches[i];
	free(branches);
	branches = table;
	branch_slots = slots;
}

static void count_branch(uint64_t from, uint64_t to)
{
	struct branch *b = slot_of(branches, branch_slots, from, to);
	if (b->count == 0) {
		b->from = from;
		b->to = to;
		if (++branch_used * 2 > branch_slots) {
			b->count = 1;
			grow();
			return;
		}
	}
	b->count++;
}

static const struct block *previous;

static void executed(unsigned int vcpu, void *data)
{
	(void)vcpu;
	struct block *b = data;
	if (!counted(b->first)) {
		previous = NULL;
		return;
	}
	b->execs++;
	if (previous && previous->after != b->first)
		count_branch(previous->last, b->first);
	previous = b;
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	if (n == 0)
		return;
	struct block *b =
	    calloc(1, sizeof *b); /* held by the translation: never freed */
	if (!b)
		return;
	struct qemu_plugin_insn *last = qemu_plugin_tb_get_insn(tb, n - 1);
	b->first = qemu_plugin_tb_vaddr(tb);
	b->last = qemu_plugin_insn_vaddr(last);
	b->after = b->last + qemu_plugin_insn_size(last);
	b->next = translations;
	translations = b;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, executed,
	                                     QEMU_PLUGIN_CB_NO_REGS, b);
}

static void finished(qemu_plugin_id_t id, void *unused)
{
	(void)id, (void)unused;
	FILE *out = out_path ? fopen(out_path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "branches: cannot write '%s'\n", out_path);
		return;
	}
	for (const struct block *b = translations; b; b = b->next)
		if (b->execs)
			fprintf(out, "R %llx %llx %llu\n",
			        (unsigned long long)b->first,
			        (unsigned long long)b->last,
			        (unsigned long long)b->execs);
	for (uint64_t i = 0; i < branch_slots; i++)
		if (branches[i].count)
			fprintf(out, "B %llx %llx %llu\n",
			        (unsigned long long)branches[i].from,
			        (unsigned long long)branches[i].to,
			        (unsigned long long)branches[i].count);
	if (out != stdout)
		fclose(out);
}

__attribute__((visibility("default"))) int
qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc,
                    char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		int range = take_range_argument("branches", argv[i]);
		if (range < 0)
			return 1;
		if (range)
			continue;
		if (strncmp(argv[i], "out=", 4) == 0) {
			out_path = strdup(argv[i] + 4);
		} else {
			fprintf(
			    stderr,
			    "branches: unknown argument '%s' (range=, out=)\n",
			    argv[i]);
			return 1;
		}
	}
	grow();
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	qemu_plugin_register_atexit_cb(id, finished, NULL);
	return 0;
}
