/*
 * Ways to end the VM that both arm64 platforms use: semihosting SYS_EXIT
 * (QEMU exits with the status itself; docs/architecture.md) and PSCI
 * SYSTEM_OFF / SYSTEM_RESET through the conduit the device tree names
 * ("hvc" under QEMU without EL2/EL3 and under KVM, "smc" with firmware).
 */
#include <kraft/fdt.h>
#include <kraft/kstring.h>
#include <arm64/arm64.h>

#define SYS_EXIT                    0x18
#define ADP_STOPPED_APPLICATIONEXIT 0x20026
#define PSCI_SYSTEM_OFF             0x84000008u
#define PSCI_SYSTEM_RESET           0x84000009u

extern uint64_t arm64_semihost_call(uint64_t op, void *param);
extern char arm64_semihost_hlt[];

void arm64_semihost_exit(uint8_t v)
{
	/* AArch64 SYS_EXIT takes a block: the reason, then the status. */
	uint64_t block[2] = {ADP_STOPPED_APPLICATIONEXIT, v};
	arm64_semihost_call(SYS_EXIT, block);
}

bool arm64_semihost_refused(uint64_t pc)
{
	return pc == (uintptr_t)arm64_semihost_hlt;
}

/* SMCCC 1.0 lets the callee clobber x0-x17. */
static void psci_call(uint32_t function)
{
	static const char *const compatibles[] = {"arm,psci-1.0",
	                                          "arm,psci-0.2", "arm,psci"};
	int node = -1;
	for (unsigned i = 0; node < 0 && i < 3; i++)
		node = fdt_find_compatible(-1, compatibles[i]);
	const char *method = fdt_prop_string(node, "method");
	if (!method)
		return;

	register uint64_t x0 __asm__("x0") = function;
	if (!kstrcmp(method, "hvc"))
		__asm__ volatile("hvc #0"
		                 : "+r"(x0)::"x1", "x2", "x3", "x4", "x5", "x6",
		                   "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		                   "x14", "x15", "x16", "x17", "memory");
	else if (!kstrcmp(method, "smc"))
		__asm__ volatile("smc #0"
		                 : "+r"(x0)::"x1", "x2", "x3", "x4", "x5", "x6",
		                   "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		                   "x14", "x15", "x16", "x17", "memory");
}

void arm64_psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF);
}

void arm64_psci_system_reset(void)
{
	psci_call(PSCI_SYSTEM_RESET);
}
