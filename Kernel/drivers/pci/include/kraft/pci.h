/*
 * PCI configuration space and enumeration (x86 configuration mechanism #1,
 * the I/O ports QEMU pc and every PC chipset have). Firmware (SeaBIOS on
 * QEMU pc) has already assigned BARs and interrupt lines; kraft reads them.
 */
#ifndef KRAFT_PCI_H
#define KRAFT_PCI_H

#include <stdint.h>

struct pci_device {
	uint8_t bus, slot, fn;
	uint16_t vendor, device;
	uint8_t irq_line; /* ISA IRQ the firmware routed INTx to; 0xff: none */
};

#define PCI_COMMAND        0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS         0x06
#define PCI_STATUS_CAPS    0x10
#define PCI_SUBSYSTEM_ID   0x2e
#define PCI_CAP_PTR        0x34

uint8_t pci_read8(const struct pci_device *d, unsigned off);
uint16_t pci_read16(const struct pci_device *d, unsigned off);
uint32_t pci_read32(const struct pci_device *d, unsigned off);
void pci_write16(const struct pci_device *d, unsigned off, uint16_t v);

/* Calls visit for every function on every bus reachable from bus 0. */
void pci_scan(void (*visit)(const struct pci_device *d, void *ctx), void *ctx);
/* The address of memory BAR bar (64-bit BARs included); 0 if it is an I/O
 * BAR or unassigned. */
uint64_t pci_bar_address(const struct pci_device *d, unsigned bar);

#endif /* KRAFT_PCI_H */
