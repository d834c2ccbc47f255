/* tbexits.so: a QEMU TCG plugin that counts how control passes from one translated block to
 * the next, to tell what system-mode TCG pays for a program's code layout. QEMU 7.2 chains
 * a block's direct jump (goto_tb) to its target only when the target is in the same guest
 * page as the block's first instruction (translator_use_goto_tb); any other exit, and every
 * indirect one (ret, an indirect call or jump, a computed goto), returns to
 * helper_lookup_tb_ptr, which hashes the next pc into the block cache. So, per transition:
 *   - indirect: the previous block ended with ret or an indirect jmp/call (FF /2, /3, /4, /5);
 *     returns: those of them that ended with ret;
 *   - crosspage: it ended otherwise (direct jmp/jcc/call, or fell through) into another page;
 *   - chained: the rest.
 * Only blocks whose address is in one of the ranges [LO, HI) given are counted (in a Linux
 * guest: the interpreter's executable and shared libraries, not the kernel nor its
 * decompressor, which runs at low addresses), with the instructions they run. Optionally writes every direct transition
 * (chained or not) as "from_block_vaddr to_vaddr count" lines (edges=PATH): which functions
 * call or jump to which, for a code layout (bench/python/symbol_order.py); and the blocks
 * executed as "vaddr insns execs" lines (blocks=PATH), insnprofile.so's format.
 * It also counts the guest's memory accesses in those blocks (each a software-TLB lookup in
 * system mode, a plain host access in user mode) and, in user mode, the system calls
 * (each leaves the translated code for QEMU's own code and the host's kernel).
 * Counts are written at exit (out=PATH, or stderr) and, with snap=PATH, whenever PATH.request
 * appears (as insnprofile.so's snapshots), with writes (the accesses that store; counted only
 * with writes=1, a call per store) and jmpmiss: the lookups a model of QEMU's
 * jump cache misses (below). Slower than insnprofile.so: a call per
 * executed block.
 *
 *   qemu-system-x86_64 ... -plugin ./tbexits.so,range=0x400000-0x1000000,out=/tmp/exits
 * Build: cc -O2 -shared -fPIC -o tbexits.so tbexits.c -lpthread */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address_ranges.h"
#include "qemu_plugin_api.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
  uint64_t vaddr, insns, execs;
  int indirect; /* ends with ret (RET) or an indirect jmp/call (JUMP); else 0 */
  struct block *next; /* every translation, for blocks= */
};
static struct block *translations;
static const struct block *previous;
enum { RET = 1, JUMP = 2 };
static uint64_t transitions, indirect, returns, crosspage, insns, accesses, writes, syscalls,
    jmpmiss;

/* QEMU 7.2's per-vCPU jump cache (accel/tcg/tb-jmp-cache.h, exec/tb-hash.h, system mode):
 * helper_lookup_tb_ptr looks the next pc up there first, direct-mapped, 4,096 entries, 64
 * per page hash; a miss goes to the global hash table and refills the entry. jmpmiss counts
 * the lookups (indirect and cross-page transitions) this model misses: a layout that packs
 * many lookup targets into pages whose hashes collide pays there. (QEMU also clears the
 * cache on a full TLB flush, which this model does not see.) */
#define JMP_CACHE_BITS 12
static uint64_t jmp_cache[1u << JMP_CACHE_BITS];

static unsigned jmp_cache_hash(uint64_t pc) {
  uint64_t tmp = pc ^ (pc >> 6);
  return (unsigned)(((tmp >> 6) & 0xFC0) | (tmp & 0x3F));
}

static void look_up(uint64_t pc) {
  unsigned slot = jmp_cache_hash(pc);
  if (jmp_cache[slot] != pc + 1) { /* +1: pc 0 is a valid key, an empty slot is 0 */
    jmpmiss++;
    jmp_cache[slot] = pc + 1;
  }
}
static char *out_path, *edges_path, *blocks_path;

/* Cross-page direct transitions by (from block, to address), for edges=. */
#define EDGE_SLOTS (1u << 20)
struct edge {
  uint64_t from, to, count;
};
static struct edge *edges;

static void count_edge(uint64_t from, uint64_t to) {
  uint64_t hash = (from * 0x9E3779B97F4A7C15ull) ^ (to * 0xC2B2AE3D27D4EB4Full);
  for (uint32_t probe = 0; probe < EDGE_SLOTS; probe++) {
    struct edge *e = &edges[(hash + probe) & (EDGE_SLOTS - 1)];
    if (e->count == 0) {
      e->from = from;
      e->to = to;
    }
    if (e->from == from && e->to == to) {
      e->count++;
      return;
    }
  }
}

/* x86: ret (C3, C2 iw, with a REX or F2/F3 prefix) or FF /2../5 (call/jmp through a register
 * or memory). The last instruction's bytes, prefixes skipped. */
static int ends_indirect(const uint8_t *bytes, size_t size) {
  size_t i = 0;
  while (i < size && (bytes[i] == 0xF2 || bytes[i] == 0xF3 || bytes[i] == 0x66 ||
                      bytes[i] == 0x3E || bytes[i] == 0x2E || (bytes[i] & 0xF0) == 0x40))
    i++;
  if (i >= size) return 0;
  if (bytes[i] == 0xC3 || bytes[i] == 0xC2 || bytes[i] == 0xCF) return RET;
  if (bytes[i] == 0xFF && i + 1 < size) {
    int reg = (bytes[i + 1] >> 3) & 7;
    return reg >= 2 && reg <= 5 ? JUMP : 0;
  }
  return 0;
}

static int count_writes; /* writes=1 */

static void accessed(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                     void *data) {
  (void)vcpu, (void)vaddr, (void)data;
  if (qemu_plugin_mem_is_store(info)) writes++;
}

static void executed(unsigned int vcpu, void *data) {
  (void)vcpu;
  struct block *b = data;
  if (!counted(b->vaddr)) {
    previous = NULL;
    return;
  }
  insns += b->insns;
  b->execs++;
  if (previous) {
    transitions++;
    if (previous->indirect) {
      indirect++;
      if (previous->indirect == RET) returns++;
      look_up(b->vaddr);
    }
    else {
      if ((previous->vaddr ^ b->vaddr) & ~(uint64_t)0xFFF) {
        crosspage++;
        look_up(b->vaddr);
      }
      if (edges) count_edge(previous->vaddr, b->vaddr);
    }
  }
  previous = b;
}

static void entered_syscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t number, uint64_t a1,
                            uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6,
                            uint64_t a7, uint64_t a8) {
  (void)id, (void)vcpu, (void)number, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6,
      (void)a7, (void)a8;
  syscalls++;
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  struct block *b = calloc(1, sizeof *b); /* held by the translation: never freed */
  if (!b) return;
  b->vaddr = qemu_plugin_tb_vaddr(tb);
  b->insns = qemu_plugin_tb_n_insns(tb);
  if (b->insns) {
    struct qemu_plugin_insn *last = qemu_plugin_tb_get_insn(tb, b->insns - 1);
    b->indirect = ends_indirect(qemu_plugin_insn_data(last), qemu_plugin_insn_size(last));
  }
  /* An inline add per access: no call, so counting them barely slows the guest. */
  for (size_t i = 0; counted(b->vaddr) && i < b->insns; i++)
    qemu_plugin_register_vcpu_mem_inline(qemu_plugin_tb_get_insn(tb, i), QEMU_PLUGIN_MEM_RW,
                                         QEMU_PLUGIN_INLINE_ADD_U64, &accesses, 1);
  /* QEMU 7.2 applies an inline operation to every access whatever the filter says (a count
   * of the stores that way came out equal to all accesses), so stores take a call each. */
  for (size_t i = 0; count_writes && counted(b->vaddr) && i < b->insns; i++)
    qemu_plugin_register_vcpu_mem_cb(qemu_plugin_tb_get_insn(tb, i), accessed,
                                     QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_W, NULL);
  b->next = translations;
  translations = b;
  qemu_plugin_register_vcpu_tb_exec_cb(tb, executed, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void write_counts(FILE *out) {
  fprintf(out,
          "insns %llu transitions %llu indirect %llu returns %llu crosspage %llu accesses %llu "
          "writes %llu syscalls %llu jmpmiss %llu\n",
          (unsigned long long)insns, (unsigned long long)transitions,
          (unsigned long long)indirect, (unsigned long long)returns,
          (unsigned long long)crosspage, (unsigned long long)accesses,
          (unsigned long long)writes, (unsigned long long)syscalls, (unsigned long long)jmpmiss);
}

/* snap=PATH: the counters written to PATH whenever PATH.request appears (then removed), as
 * insnprofile.so does, so one boot can be measured around several workloads. Read while the
 * vCPU runs: a snapshot may be a few blocks off, nothing against millions per workload. */
static char *snap_path;

static void *snapshots(void *unused) {
  (void)unused;
  size_t length = strlen(snap_path);
  char *request = malloc(length + 9), *partial = malloc(length + 9);
  snprintf(request, length + 9, "%s.request", snap_path);
  snprintf(partial, length + 9, "%s.partial", snap_path);
  for (;;) {
    usleep(50 * 1000);
    if (access(request, F_OK) != 0) continue;
    FILE *out = fopen(partial, "w");
    if (!out) continue;
    write_counts(out);
    fclose(out);
    rename(partial, snap_path);
    unlink(request);
  }
  return NULL;
}

static void finished(qemu_plugin_id_t id, void *unused) {
  (void)id, (void)unused;
  FILE *out = out_path ? fopen(out_path, "w") : stderr;
  if (!out) out = stderr;
  write_counts(out);
  if (out != stderr) fclose(out);
  if (edges && edges_path) {
    FILE *list = fopen(edges_path, "w");
    for (uint32_t i = 0; list && i < EDGE_SLOTS; i++)
      if (edges[i].count)
        fprintf(list, "%llx %llx %llu\n", (unsigned long long)edges[i].from,
                (unsigned long long)edges[i].to, (unsigned long long)edges[i].count);
    if (list) fclose(list);
  }
  if (blocks_path) {
    FILE *list = fopen(blocks_path, "w");
    for (const struct block *b = translations; list && b; b = b->next)
      if (b->execs)
        fprintf(list, "%llx %llu %llu\n", (unsigned long long)b->vaddr,
                (unsigned long long)b->insns, (unsigned long long)b->execs);
    if (list) fclose(list);
  }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                                const void *info, int argc,
                                                                char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    int range = take_range_argument("tbexits", argv[i]);
    if (range < 0) return 1;
    if (range) continue;
    if (strncmp(argv[i], "out=", 4) == 0) out_path = strdup(argv[i] + 4);
    else if (strncmp(argv[i], "edges=", 6) == 0) {
      edges_path = strdup(argv[i] + 6);
      edges = calloc(EDGE_SLOTS, sizeof *edges);
      if (!edges) return 1;
    } else if (strncmp(argv[i], "blocks=", 7) == 0) {
      blocks_path = strdup(argv[i] + 7);
    } else if (strcmp(argv[i], "writes=1") == 0) {
      count_writes = 1;
    } else if (strncmp(argv[i], "snap=", 5) == 0) {
      snap_path = strdup(argv[i] + 5);
    } else {
      fprintf(stderr, "tbexits: unknown argument '%s' (range=, out=, edges=, blocks=, snap=, writes=1)\n",
              argv[i]);
      return 1;
    }
  }
  if (snap_path) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, snapshots, NULL) != 0) return 1;
    pthread_detach(thread);
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
  qemu_plugin_register_atexit_cb(id, finished, NULL);
  qemu_plugin_register_vcpu_syscall_cb(id, entered_syscall); /* never called in system mode */
  return 0;
}
