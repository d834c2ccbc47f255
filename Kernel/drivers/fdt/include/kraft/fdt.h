/*
 * Read-only access to the flattened device tree the boot loader passes
 * (QEMU virt and Firecracker on arm64). One tree per boot, registered with
 * fdt_init; nodes are named by their offset in the structure block, so a
 * node is an int and lookups need no allocation.
 *
 * Error contract: lookups return a negative value (-KENOENT) when nothing
 * matches; fdt_init returns -KEINVAL for a blob that is not a version 16/17
 * device tree. Property values are big-endian, as in the blob.
 */
#ifndef KRAFT_FDT_H
#define KRAFT_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu

/* Registers blob as the boot's device tree after checking its header. */
int fdt_init(const void *blob);
/* Whether blob starts with a device tree header (for probing). */
bool fdt_looks_valid(const void *blob);
/* The registered blob and its total size (NULL and 0 before fdt_init). */
const void *fdt_blob(void);
size_t fdt_size(void);
/* What the blob's blocks use of that size: loaders (QEMU) leave free space
 * after them for edits, 1 MiB in all on QEMU virt. */
size_t fdt_used_size(void);

/*
 * The first node after offset `after` (-1: from the start) whose
 * "compatible" list holds compat, or whose name before '@' is name.
 */
int fdt_find_compatible(int after, const char *compat);
int fdt_find_node(int after, const char *name);
/* The first node whose device_type property is type (e.g. "memory"). */
int fdt_find_device_type(int after, const char *type);

/* A property's value and length in bytes, or NULL. */
const void *fdt_prop(int node, const char *name, int *len);
/* A string property, or NULL. */
const char *fdt_prop_string(int node, const char *name);
/* The index-th big-endian u32 cell of a property; false if absent. */
bool fdt_prop_u32(int node, const char *name, unsigned index, uint32_t *out);

/*
 * The index-th (address, size) pair of a node's "reg", decoded with its
 * parent's #address-cells and #size-cells. false when there is none.
 */
bool fdt_reg(int node, unsigned index, uint64_t *base, uint64_t *size);

/* The index-th /memreserve/ entry of the header's table; false past end. */
bool fdt_memreserve(unsigned index, uint64_t *base, uint64_t *size);

#endif /* KRAFT_FDT_H */
