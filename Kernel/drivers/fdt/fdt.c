/*
 * Flattened device tree reader. The structure block is a token stream
 * (BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END); every
 * lookup walks it from the start, which is cheap for the few-kilobyte trees
 * virtual machines pass and keeps the reader stateless. To decode "reg" a
 * node's parent must be known (its #address-cells and #size-cells, defaults
 * 2 and 1 as the spec says), so the walk keeps a stack of the open nodes.
 * One walker serves every lookup: at boot, code run once costs more under
 * QEMU's TCG (translating it) than walking the tree again (a second walker
 * for parents was a seventh of what arm64 translated before main).
 */
#include <kraft/fdt.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>

#define TOKEN_BEGIN_NODE 1u
#define TOKEN_END_NODE   2u
#define TOKEN_PROP       3u
#define TOKEN_NOP        4u
#define TOKEN_END        9u
#define MAX_DEPTH        16

struct fdt_header {
	uint32_t magic;
	uint32_t totalsize;
	uint32_t off_dt_struct;
	uint32_t off_dt_strings;
	uint32_t off_mem_rsvmap;
	uint32_t version;
	uint32_t last_comp_version;
	uint32_t boot_cpuid_phys;
	uint32_t size_dt_strings;
	uint32_t size_dt_struct;
};

static const uint8_t *tree;
static const struct fdt_header *header;

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint64_t cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

bool fdt_looks_valid(const void *blob)
{
	const struct fdt_header *h = blob;
	return blob && be32(&h->magic) == FDT_MAGIC &&
	       be32(&h->last_comp_version) <= 17 && be32(&h->version) >= 16;
}

int fdt_init(const void *blob)
{
	if (!fdt_looks_valid(blob))
		return -KEINVAL;
	tree = blob;
	header = blob;
	return 0;
}

const void *fdt_blob(void)
{
	return tree;
}

size_t fdt_size(void)
{
	return header ? be32(&header->totalsize) : 0;
}

size_t fdt_used_size(void)
{
	if (!header)
		return 0;
	size_t strings = (size_t)be32(&header->off_dt_strings) +
	                 be32(&header->size_dt_strings);
	size_t structs = (size_t)be32(&header->off_dt_struct) +
	                 be32(&header->size_dt_struct);
	size_t used = strings > structs ? strings : structs;
	return used < fdt_size() ? used : fdt_size();
}

static const uint8_t *structure(void)
{
	return tree + be32(&header->off_dt_struct);
}

static const char *prop_name(uint32_t off)
{
	return (const char *)tree + be32(&header->off_dt_strings) + off;
}

static uint32_t align4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/* Offset of the token after the node header at off (name skipped). The
 * name is padded with zeros to a 4-byte boundary, so the next token starts
 * after the first word holding a zero byte: a word per step instead of a
 * byte (every walk skips every node's name; at boot on arm64 that was a
 * sixth of the kernel's instructions before main). */
static uint32_t after_name(uint32_t off)
{
	const uint8_t *s = structure();
	uint32_t word;

	off += 4;
	do {
		__builtin_memcpy(&word, s + off, 4);
		off += 4;
	} while (!((word - 0x01010101u) & ~word & 0x80808080u));
	return off;
}

/*
 * Walks the tree calling visit(node, ctx) for every node after offset
 * `after`; returns the first node for which visit says true, or -KENOENT,
 * and sets *parent (if asked) to that node's parent (-1 for the root).
 */
typedef bool (*visit_fn)(int node, void *ctx);

static int walk(int after, visit_fn visit, void *ctx, int *parent)
{
	if (!tree)
		return -KENOENT;
	const uint8_t *s = structure();
	uint32_t end = be32(&header->size_dt_struct);
	uint32_t off = 0;
	int open[MAX_DEPTH];
	int depth = 0;

	while (off < end) {
		uint32_t token = be32(s + off);
		switch (token) {
		case TOKEN_BEGIN_NODE:
			if ((int)off > after && visit((int)off, ctx)) {
				if (parent)
					*parent = depth ? open[depth - 1] : -1;
				return (int)off;
			}
			if (depth == MAX_DEPTH)
				return -KENOENT;
			open[depth++] = (int)off;
			off = after_name(off);
			break;
		case TOKEN_PROP:
			off += 12 + align4(be32(s + off + 4));
			break;
		case TOKEN_END_NODE:
			depth -= depth > 0;
			off += 4;
			break;
		case TOKEN_NOP:
			off += 4;
			break;
		default: /* TOKEN_END or garbage */
			return -KENOENT;
		}
	}
	return -KENOENT;
}

const void *fdt_prop(int node, const char *name, int *len)
{
	if (!tree || node < 0)
		return 0;
	const uint8_t *s = structure();
	uint32_t off = after_name((uint32_t)node);

	for (;;) {
		uint32_t token = be32(s + off);
		if (token == TOKEN_NOP) {
			off += 4;
			continue;
		}
		if (token != TOKEN_PROP)
			return 0; /* properties come before child nodes */
		uint32_t plen = be32(s + off + 4);
		const char *pname = prop_name(be32(s + off + 8));
		/* The first byte settles most mismatches without a call. */
		if (pname[0] == name[0] && !kstrcmp(pname, name)) {
			if (len)
				*len = (int)plen;
			return s + off + 12;
		}
		off += 12 + align4(plen);
	}
}

const char *fdt_prop_string(int node, const char *name)
{
	int len;
	const char *v = fdt_prop(node, name, &len);
	return v && len > 0 && v[len - 1] == '\0' ? v : 0;
}

bool fdt_prop_u32(int node, const char *name, unsigned index, uint32_t *out)
{
	int len;
	const uint8_t *v = fdt_prop(node, name, &len);
	if (!v || (unsigned)len < 4 * (index + 1))
		return false;
	*out = be32(v + 4 * index);
	return true;
}

static bool has_compatible(int node, void *ctx)
{
	int len;
	const char *list = fdt_prop(node, "compatible", &len);
	const char *want = ctx;
	for (int i = 0; list && i < len;) {
		if (list[i] == want[0] && !kstrcmp(list + i, want))
			return true;
		i += (int)kstrnlen(list + i, (size_t)(len - i)) + 1;
	}
	return false;
}

int fdt_find_compatible(int after, const char *compat)
{
	return walk(after, has_compatible, (void *)compat, 0);
}

static bool has_name(int node, void *ctx)
{
	const char *name = (const char *)structure() + node + 4;
	size_t n = kstrlen(ctx);
	return !kstrncmp(name, ctx, n) && (name[n] == '\0' || name[n] == '@');
}

int fdt_find_node(int after, const char *name)
{
	return walk(after, has_name, (void *)name, 0);
}

static bool has_device_type(int node, void *ctx)
{
	const char *type = fdt_prop_string(node, "device_type");
	return type && !kstrcmp(type, ctx);
}

int fdt_find_device_type(int after, const char *type)
{
	return walk(after, has_device_type, (void *)type, 0);
}

static bool is_node(int node, void *ctx)
{
	return node == (int)(intptr_t)ctx;
}

/* The cell sizes node's "reg" is decoded with: its parent's. */
static bool parent_cells(int node, uint32_t *addr_cells, uint32_t *size_cells)
{
	int parent;
	if (walk(node - 1, is_node, (void *)(intptr_t)node, &parent) != node)
		return false;
	*addr_cells = 2;
	*size_cells = 1;
	if (parent >= 0) {
		fdt_prop_u32(parent, "#address-cells", 0, addr_cells);
		fdt_prop_u32(parent, "#size-cells", 0, size_cells);
	}
	return true;
}

bool fdt_reg(int node, unsigned index, uint64_t *base, uint64_t *size)
{
	uint32_t ac, sc;
	int len;

	if (!tree || node < 0 || !parent_cells(node, &ac, &sc))
		return false;
	const uint8_t *reg = fdt_prop(node, "reg", &len);
	uint32_t entry = 4 * (ac + sc);
	if (!reg || ac > 2 || sc > 2 || (uint32_t)len < entry * (index + 1))
		return false;
	*base = cells(reg + entry * index, ac);
	*size = cells(reg + entry * index + 4 * ac, sc);
	return true;
}

bool fdt_memreserve(unsigned index, uint64_t *base, uint64_t *size)
{
	if (!tree)
		return false;
	const uint8_t *map = tree + be32(&header->off_mem_rsvmap);
	for (unsigned i = 0;; i++) {
		uint64_t b = cells(map + 16 * i, 2);
		uint64_t n = cells(map + 16 * i + 8, 2);
		if (!b && !n)
			return false; /* the table ends with a zero entry */
		if (i == index) {
			*base = b;
			*size = n;
			return true;
		}
	}
}
