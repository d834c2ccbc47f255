/*
 * IOAPICs, for GSIs the 8259 PIC cannot see. QEMU microvm (with its default
 * ACPI) puts virtio-mmio transports on a second IOAPIC at 0xfec10000 whose
 * pins are GSIs 24..47; the first, at the standard 0xfec00000, has GSIs
 * 0..23. A GSI from 16 up is routed, edge-triggered and active high, to
 * vector X86_GSI_BASE + (gsi - 16) on this CPU's local APIC; the handler
 * acknowledges its device first, so the line drops and the next event is a
 * new edge. The PIC keeps GSIs 0..15 (pc and Firecracker devices, the PIT).
 */
#include <kraft/kerrno.h>
#include <x86/cpu.h>
#include <x86/x86.h>

#define IOAPIC_REGSEL  0x00
#define IOAPIC_WIN     0x10
#define IOAPIC_VER     0x01
#define IOAPIC_REDTBL  0x10
#define RTE_MASKED     (1u << 16)
#define LAPIC_ID       0x20
#define MSR_APIC_BASE  0x1b
#define LAPIC_BASE_MSK (~0xfffULL)

static const struct {
	uintptr_t base;
	unsigned first_gsi;
} ioapics[] = {{0xfec00000, 0}, {0xfec10000, 24}};

static uint32_t ioapic_read(uintptr_t base, uint32_t reg)
{
	*(volatile uint32_t *)(base + IOAPIC_REGSEL) = reg;
	return *(volatile uint32_t *)(base + IOAPIC_WIN);
}

static void ioapic_write(uintptr_t base, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(base + IOAPIC_REGSEL) = reg;
	*(volatile uint32_t *)(base + IOAPIC_WIN) = v;
}

/* The number of pins of the IOAPIC at base, 0 when none answers there. */
static unsigned ioapic_pins(uintptr_t base)
{
	uint32_t ver = ioapic_read(base, IOAPIC_VER);
	if (ver == 0 || ver == 0xffffffffu)
		return 0;
	return ((ver >> 16) & 0xff) + 1;
}

int x86_ioapic_route(unsigned gsi)
{
	if (gsi < X86_GSI_FIRST || gsi > X86_GSI_LAST)
		return -KEINVAL;
	for (unsigned i = 0; i < sizeof(ioapics) / sizeof(ioapics[0]); i++) {
		uintptr_t base = ioapics[i].base;
		if (gsi < ioapics[i].first_gsi ||
		    gsi >= ioapics[i].first_gsi + ioapic_pins(base))
			continue;
		unsigned pin = gsi - ioapics[i].first_gsi;
		volatile uint32_t *lapic =
		    (volatile uint32_t *)(uintptr_t)(rdmsr(MSR_APIC_BASE) &
		                                     LAPIC_BASE_MSK);
		uint32_t apic_id = lapic[LAPIC_ID / 4] >> 24;
		ioapic_write(base, IOAPIC_REDTBL + 2 * pin + 1, apic_id << 24);
		/* Fixed delivery, physical destination, edge, active high. */
		ioapic_write(base, IOAPIC_REDTBL + 2 * pin,
		             X86_GSI_BASE + gsi - X86_GSI_FIRST);
		return 0;
	}
	return -KEINVAL;
}
