/*
 * Ending a Firecracker VM. Firecracker has no exit device: it stops the VM
 * when the guest resets through the i8042 (0xfe to port 0x64), so the status
 * is printed first as "kraft: exit status V", which `kraft run` reads. The
 * isa-debug-exit write in between makes the same image exit with the status
 * under QEMU microvm too (and is ignored by Firecracker).
 */
#include <kraft/abi.h>
#include <kraft/arch.h>
#include <kraft/plat.h>
#include <kraft/print.h>
#include <x86/cpu.h>

void plat_exit(uint8_t v)
{
	kbegin_line();
	kprint_exit_status(v);
	outb(KRAFT_EXIT_PORT, v);
	outb(0x64, 0xfe);
	arch_halt();
}
