/*
 * PCI through configuration mechanism #1: the dword address goes to port
 * 0xcf8, the data comes from 0xcfc. Enumeration walks bus 0 and follows
 * PCI-to-PCI bridges to their secondary buses, so nothing depends on how
 * many buses a machine has.
 */
#include <kraft/pci.h>
#include <x86/cpu.h>

#define CONFIG_ADDRESS   0xcf8
#define CONFIG_DATA      0xcfc
#define HEADER_TYPE      0x0e
#define SECONDARY_BUS    0x19
#define CLASS_REVISION   0x08
#define CLASS_BRIDGE_PCI 0x0604
#define INTERRUPT_LINE   0x3c

static void select(uint8_t bus, uint8_t slot, uint8_t fn, unsigned off)
{
	outl(CONFIG_ADDRESS, 0x80000000u | (uint32_t)bus << 16 |
	                         (uint32_t)slot << 11 | (uint32_t)fn << 8 |
	                         (off & 0xfc));
}

static uint32_t read32_at(uint8_t bus, uint8_t slot, uint8_t fn, unsigned off)
{
	select(bus, slot, fn, off);
	return inl(CONFIG_DATA);
}

uint32_t pci_read32(const struct pci_device *d, unsigned off)
{
	return read32_at(d->bus, d->slot, d->fn, off);
}

uint16_t pci_read16(const struct pci_device *d, unsigned off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_device *d, unsigned off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write16(const struct pci_device *d, unsigned off, uint16_t v)
{
	uint32_t word = pci_read32(d, off);
	unsigned shift = (off & 2) * 8;
	word = (word & ~(0xffffu << shift)) | (uint32_t)v << shift;
	select(d->bus, d->slot, d->fn, off);
	outl(CONFIG_DATA, word);
}

uint64_t pci_bar_address(const struct pci_device *d, unsigned bar)
{
	uint32_t lo = pci_read32(d, 0x10 + 4 * bar);
	if (lo & 1)
		return 0; /* I/O space */
	uint64_t addr = lo & ~0xfu;
	if (((lo >> 1) & 3) == 2 && bar < 5)
		addr |= (uint64_t)pci_read32(d, 0x10 + 4 * (bar + 1)) << 32;
	return addr;
}

static void scan_bus(uint8_t bus,
                     void (*visit)(const struct pci_device *, void *),
                     void *ctx, unsigned depth)
{
	for (uint8_t slot = 0; slot < 32; slot++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			uint32_t id = read32_at(bus, slot, fn, 0);
			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break; /* no device in this slot */
				continue;
			}
			struct pci_device d = {
			    bus, slot, fn, (uint16_t)id, (uint16_t)(id >> 16),
			    0xff};
			d.irq_line = pci_read8(&d, INTERRUPT_LINE);
			if (pci_read32(&d, CLASS_REVISION) >> 16 ==
			        CLASS_BRIDGE_PCI &&
			    depth < 8) {
				uint8_t sub = pci_read8(&d, SECONDARY_BUS);
				if (sub > bus)
					scan_bus(sub, visit, ctx, depth + 1);
			} else {
				visit(&d, ctx);
			}
			/* Single-function devices answer for every fn. */
			if (fn == 0 && !(pci_read8(&d, HEADER_TYPE) & 0x80))
				break;
		}
	}
}

void pci_scan(void (*visit)(const struct pci_device *d, void *ctx), void *ctx)
{
	scan_bus(0, visit, ctx, 0);
}
