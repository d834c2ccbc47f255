/*
 * Message-signalled interrupts: a device writes the message's data to the
 * local APIC's address window, and the APIC raises the vector the data names
 * on the CPU the address names. Unlike a PCI INTx line through the 8259,
 * there is no line to lower and no shared status to read: the interrupt
 * says which device and queue it is for, and it is ended by one local APIC
 * EOI (traps.c). Vectors 80-87 (trap.S) are handed out once each, at boot.
 */
#include <kraft/arch.h>
#include <kraft/kerrno.h>
#include <x86/x86.h>

#define LAPIC_ID          0x20
#define MSI_ADDRESS_BASE  0xfee00000u
#define MSI_DEST_ID_SHIFT 12

static unsigned msis_taken;

int arch_msi_alloc(unsigned *irq, uint64_t *address, uint32_t *data)
{
	volatile uint32_t *lapic = x86_lapic();

	if (!lapic || msis_taken == X86_MSI_COUNT)
		return -KENODEV;
	unsigned n = X86_MSI_FIRST + msis_taken++;
	uint32_t apic_id = lapic[LAPIC_ID / 4] >> 24;
	/* Physical destination, fixed delivery, edge: all zero bits. */
	*address = MSI_ADDRESS_BASE | apic_id << MSI_DEST_ID_SHIFT;
	*data = X86_GSI_BASE + n - X86_GSI_FIRST;
	*irq = n;
	return 0;
}
