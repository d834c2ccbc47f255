/*
 * The start-up vector (see kraft/posix_process.h). The program-header table
 * is synthesised rather than read from the ELF file, because the image's
 * headers are not loaded into memory: one PT_PHDR entry (so the libc
 * computes a load bias of 0), one PT_LOAD covering the image, and a PT_TLS
 * entry when the linker script marks a TLS template with the
 * __kraft_tls_{start,data_end,end} symbols.
 */
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/kcore.h>
#include <kraft/kstring.h>
#include <kraft/posix_process.h>

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_UID    11
#define AT_EUID   12
#define AT_GID    13
#define AT_EGID   14
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25

#define PT_LOAD 1
#define PT_PHDR 6
#define PT_TLS  7

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

extern char __kraft_tls_start[] __attribute__((weak));
extern char __kraft_tls_data_end[] __attribute__((weak));
extern char __kraft_tls_end[] __attribute__((weak));

static struct elf64_phdr phdrs[3];
static unsigned char at_random[16];

static unsigned build_phdrs(void)
{
	unsigned n = 0;
	phdrs[n++] = (struct elf64_phdr){
	    .p_type = PT_PHDR,
	    .p_vaddr = (uintptr_t)phdrs,
	    .p_memsz = sizeof(phdrs),
	    .p_align = 8,
	};
	phdrs[n++] = (struct elf64_phdr){
	    .p_type = PT_LOAD,
	    .p_flags = 7,
	    .p_vaddr = (uintptr_t)_kernel_start,
	    .p_filesz = (uintptr_t)(_kernel_end - _kernel_start),
	    .p_memsz = (uintptr_t)(_kernel_end - _kernel_start),
	    .p_align = ARCH_PAGE_SIZE,
	};
	if (__kraft_tls_start && __kraft_tls_end)
		phdrs[n++] = (struct elf64_phdr){
		    .p_type = PT_TLS,
		    .p_flags = 4,
		    .p_vaddr = (uintptr_t)__kraft_tls_start,
		    .p_filesz =
		        (uintptr_t)(__kraft_tls_data_end - __kraft_tls_start),
		    .p_memsz = (uintptr_t)(__kraft_tls_end - __kraft_tls_start),
		    .p_align = 64,
		};
	return n;
}

static int count_env(void)
{
	int n = 0;
	size_t plen = kstrlen(KPOSIX_ENV_PREFIX);
	for (int i = 0; kcore_kernel_arg(i); i++)
		if (!kstrncmp(kcore_kernel_arg(i), KPOSIX_ENV_PREFIX, plen))
			n++;
	return n;
}

long *kposix_start_vector(int argc, char **argv)
{
	size_t plen = kstrlen(KPOSIX_ENV_PREFIX);
	int nenv = count_env();
	const long auxv[][2] = {
	    {AT_PHDR, (long)phdrs},
	    {AT_PHENT, sizeof(struct elf64_phdr)},
	    {AT_PHNUM, (long)build_phdrs()},
	    {AT_PAGESZ, ARCH_PAGE_SIZE},
	    {AT_CLKTCK, 100},
	    {AT_UID, 0},
	    {AT_EUID, 0},
	    {AT_GID, 0},
	    {AT_EGID, 0},
	    {AT_SECURE, 0},
	    {AT_RANDOM, (long)at_random},
	    {AT_NULL, 0},
	};
	size_t nauxv = sizeof(auxv) / sizeof(long);
	size_t words = 1 + (size_t)argc + 1 + (size_t)nenv + 1 + nauxv;
	long *v = kcalloc(words, sizeof(long));
	if (!v)
		kpanic("out of memory building the start-up vector");

	kposix_random_bytes(at_random, sizeof(at_random));
	size_t i = 0;
	v[i++] = argc;
	for (int a = 0; a < argc; a++)
		v[i++] = (long)argv[a];
	v[i++] = 0;
	for (int k = 0; kcore_kernel_arg(k); k++) {
		const char *arg = kcore_kernel_arg(k);
		if (!kstrncmp(arg, KPOSIX_ENV_PREFIX, plen))
			v[i++] = (long)(arg + plen);
	}
	v[i++] = 0;
	kmemcpy(&v[i], auxv, sizeof(auxv));
	return v;
}
