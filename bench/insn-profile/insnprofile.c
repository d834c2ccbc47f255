/* insnprofile.so: a QEMU TCG plugin that counts the guest instructions executed per
 * translation block, exactly and independently of the host's load, and writes the counts on
 * request. Each block gets its own counter, bumped by an inline add (no call per block), so
 * the guest runs at nearly TCG's usual speed.
 *
 *   qemu-system-x86_64 ... -plugin ./insnprofile.so,out=/tmp/profile
 *   touch /tmp/profile.request     # within 50 ms: /tmp/profile holds "vaddr insns execs" lines
 *
 * Two snapshots around a workload, subtracted line by line (profile.py), give the guest
 * instructions the workload cost and where they went (each vaddr mapped to the image's
 * symbols). Written against QEMU 7.2's plugin API (version 1; Debian 12's QEMU ships no
 * qemu-plugin.h: the declarations used are in qemu_plugin_api.h).
 * Build: cc -O2 -shared -fPIC -o insnprofile.so insnprofile.c -lpthread */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu_plugin_api.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* One counter per (block address, length): a block can be translated again with another
 * length (after a flush, or cut short at an I/O instruction). Never moved, since translated
 * code holds the counter's address. */
struct block {
  uint64_t vaddr;
  uint64_t insns;
  uint64_t execs;
};
#define SLOTS (1u << 20)
static struct block *blocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *path;

static struct block *block_for(uint64_t vaddr, uint64_t insns) {
  uint64_t hash = (vaddr * 0x9E3779B97F4A7C15ull) ^ insns;
  for (uint32_t probe = 0; probe < SLOTS; probe++) {
    struct block *b = &blocks[(hash + probe) & (SLOTS - 1)];
    if (b->insns == 0) {
      b->vaddr = vaddr;
      b->insns = insns;
      return b;
    }
    if (b->vaddr == vaddr && b->insns == insns) return b;
  }
  return NULL; /* full: the block goes uncounted (a million distinct blocks is far beyond a kraft image) */
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  pthread_mutex_lock(&lock);
  struct block *b = block_for(qemu_plugin_tb_vaddr(tb), qemu_plugin_tb_n_insns(tb));
  pthread_mutex_unlock(&lock);
  if (b) qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->execs, 1);
}

/* Writes a snapshot to `path` (through a temporary file and rename, so a reader never sees
 * half of one) whenever `path`.request appears, then removes the request. */
static void *snapshots(void *unused) {
  (void)unused;
  size_t length = strlen(path);
  char *request = malloc(length + 9), *partial = malloc(length + 9);
  snprintf(request, length + 9, "%s.request", path);
  snprintf(partial, length + 9, "%s.partial", path);
  for (;;) {
    usleep(50 * 1000);
    if (access(request, F_OK) != 0) continue;
    FILE *out = fopen(partial, "w");
    if (!out) continue;
    pthread_mutex_lock(&lock);
    for (uint32_t i = 0; i < SLOTS; i++)
      if (blocks[i].insns && blocks[i].execs)
        fprintf(out, "%llx %llu %llu\n", (unsigned long long)blocks[i].vaddr,
                (unsigned long long)blocks[i].insns,
                (unsigned long long)__atomic_load_n(&blocks[i].execs, __ATOMIC_RELAXED));
    pthread_mutex_unlock(&lock);
    fclose(out);
    rename(partial, path);
    unlink(request);
  }
  return NULL;
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                                const void *info, int argc,
                                                                char **argv) {
  (void)info;
  if (argc != 1 || strncmp(argv[0], "out=", 4) != 0) {
    fprintf(stderr, "insnprofile: give the snapshot's path: -plugin insnprofile.so,out=PATH\n");
    return 1;
  }
  path = strdup(argv[0] + 4);
  blocks = calloc(SLOTS, sizeof *blocks);
  if (!path || !blocks) return 1;
  pthread_t thread;
  if (pthread_create(&thread, NULL, snapshots, NULL) != 0) return 1;
  pthread_detach(thread);
  qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
  return 0;
}
