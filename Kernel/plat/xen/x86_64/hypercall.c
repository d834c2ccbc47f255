/*
 * Finding Xen and its hypercall page. Xen announces itself in the CPUID
 * hypervisor range (0x40000000 upwards in steps of 0x100, since another
 * hypervisor's leaves may come first, e.g. Viridian) with the signature
 * "XenVMMXenVMM"; leaf base+2 names the MSR that, written with a page's
 * physical address, makes Xen fill that page with one 32-byte call stub per
 * hypercall. The page is in BSS: identity-mapped and executable.
 */
#include <kraft/kstring.h>
#include <x86/cpu.h>
#include "xen.h"

#define CPUID_HV_FIRST 0x40000000u
#define CPUID_HV_LAST  0x40010000u
#define STUB_SIZE      32

static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));
static bool present;

bool xen_detect(void)
{
	uint32_t r[4];

	if (present)
		return true;
	for (uint32_t base = CPUID_HV_FIRST; base < CPUID_HV_LAST;
	     base += 0x100) {
		cpuid(base, 0, r);
		char signature[13];
		kmemcpy(signature, &r[1], 4);
		kmemcpy(signature + 4, &r[2], 4);
		kmemcpy(signature + 8, &r[3], 4);
		signature[12] = '\0';
		if (kstrcmp(signature, "XenVMMXenVMM") || r[0] < base + 2)
			continue;
		cpuid(base + 2, 0, r); /* eax: pages, ebx: the MSR */
		if (r[0] < 1)
			return false;
		wrmsr(r[1], (uintptr_t)hypercall_page);
		present = true;
		return true;
	}
	return false;
}

bool xen_present(void)
{
	return present;
}

long xen_hypercall3(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t rdi __asm__("rdi") = a1;
	register uint64_t rsi __asm__("rsi") = a2;
	register uint64_t rdx __asm__("rdx") = a3;
	long ret;

	__asm__ volatile("call *%[stub]"
	                 : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx)
	                 : [stub] "r"(hypercall_page + op * STUB_SIZE)
	                 : "rcx", "r8", "r9", "r10", "r11", "memory");
	return ret;
}
