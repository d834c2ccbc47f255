/*
 * Ending a Firecracker arm64 VM. Firecracker has no exit device and no
 * semihosting (KVM); it stops the VM when the guest resets, which on arm64
 * is PSCI SYSTEM_RESET. So the status is printed first as
 * "kraft: exit status V", the line `kraft run` reads (kraft/abi.h).
 */
#include <kraft/abi.h>
#include <kraft/arch.h>
#include <kraft/plat.h>
#include <kraft/print.h>
#include <arm64/arm64.h>

void plat_exit(uint8_t v)
{
	kputc('\n');
	kprint_exit_status(v);
	arm64_psci_system_reset();
	arch_halt();
}
