/*
 * Ending a QEMU virt VM: semihosting SYS_EXIT with V, which QEMU started
 * with -semihosting (as kraft run starts it) turns into its own exit status
 * V (kraft/abi.h). Without -semihosting the call is refused and skipped;
 * then PSCI SYSTEM_OFF powers the VM off (QEMU exits with 0: "no report"),
 * and the CPU halts if even that is missing.
 */
#include <kraft/arch.h>
#include <kraft/plat.h>
#include <arm64/arm64.h>

void plat_exit(uint8_t v)
{
	arm64_semihost_exit(v);
	arm64_psci_system_off();
	arch_halt();
}
