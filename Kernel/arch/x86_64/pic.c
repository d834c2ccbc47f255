/*
 * Interrupt controllers, legacy style: the 8259 PIC pair remapped to vectors
 * 32-47 with everything masked but what a driver unmasks, and the local
 * APIC's LINT0 set to ExtINT ("virtual wire") so PIC interrupts reach the
 * CPU on every machine model (QEMU pc and microvm, Firecracker's in-kernel
 * irqchip). The PIT timer is IRQ 0; device IRQs below 16 (PCI INTx on pc,
 * virtio-mmio on Firecracker) are unmasked here too. GSIs from 16 up
 * (microvm's second IOAPIC) go through ioapic.c and end at the local APIC.
 *
 * The master ends its interrupts itself (auto-EOI, ICW4 bit 1): under a
 * hypervisor every EOI is a port write that exits (under QEMU it also takes
 * the global lock), one per interrupt. That is safe because nothing here
 * nests: handlers run with interrupts off, so the in-service bit the master
 * no longer keeps would block nothing that could come in, and a level line
 * that is still high (its IRR bit stays set) is delivered again only once
 * interrupts are on, after the handler has acknowledged its device. The
 * slave keeps the explicit EOI: its output is the master's edge-triggered
 * IRQ 2, and with auto-EOI it stays high while any slave line is high, so a
 * second line (another device, or a shared INTx line raised again before
 * the other device on it was read) would never make the new edge the master
 * needs, and QEMU's 8259 would lose that interrupt (KVM's pulses IRQ 2
 * instead, and would deliver a spurious IRQ 15 after each). The in-service
 * bit the slave keeps until its EOI drops its output for the handler's
 * duration, so each EOI with a line still high is a new edge.
 */
#include <kraft/arch.h>
#include <kraft/kerrno.h>
#include <x86/cpu.h>
#include <x86/x86.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20

#define MSR_APIC_BASE      0x1b
#define APIC_BASE_ENABLE   (1ULL << 11)
#define LAPIC_EOI          0xb0
#define LAPIC_SVR          0xf0
#define LAPIC_LVT_LINT0    0x350
#define LAPIC_LVT_LINT1    0x360
#define LAPIC_SVR_ENABLE   0x100
#define LAPIC_DELIVERY_EXT 0x700
#define LAPIC_DELIVERY_NMI 0x400

static uint16_t irq_mask = 0xffff;
static volatile uint32_t *lapic; /* NULL without an enabled local APIC */

static void pic_write_mask(void)
{
	outb(PIC1_DATA, irq_mask & 0xff);
	outb(PIC2_DATA, irq_mask >> 8);
}

void x86_pic_init(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows, cascade */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, X86_IRQ_BASE); /* ICW2: vector base */
	outb(PIC2_DATA, X86_IRQ_BASE + 8);
	outb(PIC1_DATA, 1 << 2); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 0x03); /* ICW4: 8086 mode, auto-EOI (above) */
	outb(PIC2_DATA, 0x01); /* ICW4: 8086 mode, EOI by the kernel */
	irq_mask = 0xffff & ~(1 << 2); /* the cascade stays open */
	pic_write_mask();
}

void x86_pic_unmask(unsigned irq)
{
	irq_mask &= ~(1u << irq);
	pic_write_mask();
}

void x86_pic_eoi(unsigned irq)
{
	/* The master (IRQs 0-7, and IRQ 2 for the slave's) ended at delivery. */
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
}

void x86_lapic_virtual_wire(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[3] & (1u << 9)))
		return; /* no local APIC: the PIC is wired to the CPU */
	uint64_t base = rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		return; /* disabled: PIC interrupts go straight to the CPU */
	lapic = (volatile uint32_t *)(uintptr_t)(base & ~0xfffULL);
	lapic[LAPIC_SVR / 4] = LAPIC_SVR_ENABLE | X86_VEC_SPURIOUS;
	lapic[LAPIC_LVT_LINT0 / 4] = LAPIC_DELIVERY_EXT;
	lapic[LAPIC_LVT_LINT1 / 4] = LAPIC_DELIVERY_NMI;
}

volatile uint32_t *x86_lapic(void)
{
	return lapic;
}

void x86_lapic_eoi(void)
{
	if (lapic)
		lapic[LAPIC_EOI / 4] = 0;
}

int arch_irq_enable(unsigned irq)
{
	if (irq < 16 && irq != 0 && irq != 2) {
		x86_pic_unmask(irq);
		return 0;
	}
	if (!lapic)
		return -KEINVAL; /* IOAPIC messages and MSIs need a local APIC */
	if (irq >= X86_MSI_FIRST && irq < X86_MSI_FIRST + X86_MSI_COUNT)
		return 0; /* the device's message names the vector itself */
	return x86_ioapic_route(irq);
}
