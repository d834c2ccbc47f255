/*
 * virtio over PCI, the modern interface (virtio 1.x section 4.1): vendor
 * capabilities name where, in which memory BAR, the common configuration,
 * the notification area, the ISR byte and the device configuration live.
 * Transitional devices (QEMU's default on pc) offer these too and are
 * driven the modern way; a device without them is skipped with a message.
 *
 * Queue interrupts are one MSI-X message when the device has an MSI-X table
 * and the arch a message to give (arch_msi_alloc): every queue names table
 * entry 0, the configuration no entry (no driver reacts to configuration
 * changes). Such an interrupt needs no acknowledgement from the device and
 * one EOI at the local APIC. Otherwise the device interrupts through INTx,
 * on the ISA IRQ firmware wrote into the interrupt line register: reading
 * the ISR byte acknowledges it and lowers the line (one exit to the
 * hypervisor), and the slave 8259 wants its EOI (another); under load that
 * was two of a served request's five exits.
 *
 * Devices are found once at boot, at the init table's bus level.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kinit.h>
#include <kraft/print.h>
#include <kraft/pci.h>
#include <kraft/virtio.h>

#define VIRTIO_PCI_VENDOR      0x1af4
#define VIRTIO_PCI_FIRST       0x1000
#define VIRTIO_PCI_MODERN_BASE 0x1040
#define VIRTIO_PCI_LAST        0x107f

#define CAP_VENDOR     0x09
#define CAP_MSIX       0x11
#define CAP_COMMON_CFG 1
#define CAP_NOTIFY_CFG 2
#define CAP_ISR_CFG    3
#define CAP_DEVICE_CFG 4

/* struct virtio_pci_common_cfg offsets. */
#define COMMON_DFSELECT      0x00
#define COMMON_DF            0x04
#define COMMON_GFSELECT      0x08
#define COMMON_GF            0x0c
#define COMMON_STATUS        0x14
#define COMMON_Q_SELECT      0x16
#define COMMON_Q_SIZE        0x18
#define COMMON_Q_MSIX        0x1a
#define COMMON_Q_ENABLE      0x1c
#define COMMON_Q_NOFF        0x1e
#define COMMON_Q_DESC        0x20
#define COMMON_Q_DRIVER      0x28
#define COMMON_Q_DEVICE      0x30
#define COMMON_MSIX_CONFIG   0x10
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* The MSI-X capability: message control, then the table's BAR and offset. */
#define MSIX_CONTROL       2
#define MSIX_TABLE         4
#define MSIX_ENABLE        0x8000
#define MSIX_FUNCTION_MASK 0x4000
#define MSIX_BIR_MASK      7u

struct virtio_pci {
	struct virtio_device vdev;
	struct pci_device pci;
	volatile uint8_t *common, *isr, *device_cfg, *notify;
	uint32_t notify_multiplier;
	unsigned msix_cap; /* config space offset, 0 when there is none */
	bool msix;         /* queue interrupts are MSI-X entry 0 */
};

static struct virtio_pci *of(struct virtio_device *dev)
{
	return dev->transport;
}

static void w8(volatile uint8_t *base, unsigned off, uint8_t v)
{
	base[off] = v;
}

static void w16(volatile uint8_t *base, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(base + off) = v;
}

static void w32(volatile uint8_t *base, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static void w64(volatile uint8_t *base, unsigned off, uint64_t v)
{
	virtio_write64(base + off, v);
}

static uint16_t r16(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint16_t *)(base + off);
}

static uint32_t r32(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint32_t *)(base + off);
}

static uint8_t get_status(struct virtio_device *dev)
{
	return of(dev)->common[COMMON_STATUS];
}

static void set_status(struct virtio_device *dev, uint8_t status)
{
	w8(of(dev)->common, COMMON_STATUS, status);
}

static uint32_t get_features(struct virtio_device *dev, unsigned word)
{
	w32(of(dev)->common, COMMON_DFSELECT, word);
	return r32(of(dev)->common, COMMON_DF);
}

static void set_features(struct virtio_device *dev, unsigned word,
                         uint32_t bits)
{
	w32(of(dev)->common, COMMON_GFSELECT, word);
	w32(of(dev)->common, COMMON_GF, bits);
}

static void read_config(struct virtio_device *dev, unsigned off, void *buf,
                        unsigned len)
{
	virtio_read_bytes(of(dev)->device_cfg + off, buf, len);
}

static uint16_t queue_max_size(struct virtio_device *dev, unsigned index)
{
	volatile uint8_t *c = of(dev)->common;
	w16(c, COMMON_Q_SELECT, (uint16_t)index);
	return r16(c, COMMON_Q_SIZE);
}

static int queue_enable(struct virtio_device *dev, struct virtqueue *vq)
{
	volatile uint8_t *c = of(dev)->common;
	w16(c, COMMON_Q_SELECT, vq->index);
	w16(c, COMMON_Q_SIZE, vq->size);
	if (of(dev)->msix) {
		w16(c, COMMON_Q_MSIX, 0);
		/* A device that cannot use the entry reads back no vector. */
		if (r16(c, COMMON_Q_MSIX) != 0)
			return -KEIO;
	} else {
		w16(c, COMMON_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
	}
	w64(c, COMMON_Q_DESC, (uintptr_t)vq->desc);
	w64(c, COMMON_Q_DRIVER, (uintptr_t)vq->avail);
	w64(c, COMMON_Q_DEVICE, (uintptr_t)vq->used);
	vq->notify_off = r16(c, COMMON_Q_NOFF) * of(dev)->notify_multiplier;
	w16(c, COMMON_Q_ENABLE, 1);
	return 0;
}

static void notify(struct virtio_device *dev, struct virtqueue *vq)
{
	w16(of(dev)->notify, vq->notify_off, vq->index);
}

static unsigned irq_ack(struct virtio_device *dev)
{
	/* A message is only ever a queue's, and nothing is left raised. */
	if (of(dev)->msix)
		return VIRTIO_ISR_QUEUE;
	return of(dev)->isr[0]; /* reading clears it and lowers INTx */
}

static const struct virtio_transport_ops pci_ops = {
    .get_status = get_status,
    .set_status = set_status,
    .get_features = get_features,
    .set_features = set_features,
    .read_config = read_config,
    .queue_max_size = queue_max_size,
    .queue_enable = queue_enable,
    .notify = notify,
    .irq_ack = irq_ack,
};

/* Finds the capabilities; false when a needed one is missing. */
static bool read_capabilities(struct virtio_pci *vp)
{
	const struct pci_device *d = &vp->pci;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
		return false;
	for (unsigned cap = pci_read8(d, PCI_CAP_PTR) & ~3u, n = 0;
	     cap && n < 48; cap = pci_read8(d, cap + 1) & ~3u, n++) {
		if (pci_read8(d, cap) == CAP_MSIX && !vp->msix_cap)
			vp->msix_cap = cap;
		if (pci_read8(d, cap) != CAP_VENDOR)
			continue;
		uint8_t type = pci_read8(d, cap + 3);
		uint8_t bar = pci_read8(d, cap + 4);
		uint64_t base = bar < 6 ? pci_bar_address(d, bar) : 0;
		if (!base)
			continue;
		if (base >> 32) {
			kwarn("virtio-pci: %s: BAR %u above 4 GiB is not "
			      "mapped",
			      vp->vdev.where, bar);
			continue;
		}
		volatile uint8_t *at =
		    (volatile uint8_t *)(uintptr_t)(base +
		                                    pci_read32(d, cap + 8));
		switch (type) {
		case CAP_COMMON_CFG:
			if (!vp->common)
				vp->common = at;
			break;
		case CAP_NOTIFY_CFG:
			if (!vp->notify) {
				vp->notify = at;
				vp->notify_multiplier = pci_read32(d, cap + 16);
			}
			break;
		case CAP_ISR_CFG:
			if (!vp->isr)
				vp->isr = at;
			break;
		case CAP_DEVICE_CFG:
			if (!vp->device_cfg)
				vp->device_cfg = at;
			break;
		}
	}
	return vp->common && vp->notify && vp->isr;
}

/*
 * Points MSI-X table entry 0 at a message of the arch's and turns MSI-X on;
 * false (INTx stays) when there is no table in a mapped BAR or no message.
 */
static bool msix_setup(struct virtio_pci *vp)
{
	const struct pci_device *d = &vp->pci;
	unsigned cap = vp->msix_cap;
	unsigned irq;
	uint64_t address;
	uint32_t data;

	if (!cap)
		return false;
	uint32_t table = pci_read32(d, cap + MSIX_TABLE);
	unsigned bar = table & MSIX_BIR_MASK;
	uint64_t base = bar < 6 ? pci_bar_address(d, bar) : 0;
	if (!base || base >> 32 || arch_msi_alloc(&irq, &address, &data))
		return false;
	volatile uint32_t *entry =
	    (volatile uint32_t *)(uintptr_t)(base + (table & ~MSIX_BIR_MASK));
	entry[0] = (uint32_t)address;
	entry[1] = (uint32_t)(address >> 32);
	entry[2] = data;
	entry[3] = 0; /* vector control: not masked */
	uint16_t control = pci_read16(d, cap + MSIX_CONTROL);
	pci_write16(d, cap + MSIX_CONTROL,
	            (uint16_t)((control | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK));
	vp->msix = true;
	vp->vdev.irq = irq;
	vp->vdev.has_irq = true;
	return true;
}

static void visit(const struct pci_device *d, void *ctx)
{
	(void)ctx;
	if (d->vendor != VIRTIO_PCI_VENDOR || d->device < VIRTIO_PCI_FIRST ||
	    d->device > VIRTIO_PCI_LAST)
		return;
	struct virtio_pci *vp = kcalloc(1, sizeof *vp);
	if (!vp)
		kpanic("out of memory for a virtio-pci device");
	vp->pci = *d;
	vp->vdev.transport = vp;
	vp->vdev.ops = &pci_ops;
	vp->vdev.id = d->device >= VIRTIO_PCI_MODERN_BASE
	                  ? d->device - VIRTIO_PCI_MODERN_BASE
	                  : pci_read16(d, PCI_SUBSYSTEM_ID);
	ksnprintf(vp->vdev.where, sizeof vp->vdev.where, "pci %02x:%02x.%x",
	          d->bus, d->slot, d->fn);
	if (!read_capabilities(vp)) {
		kwarn("virtio-pci: %s: no virtio 1.0 capabilities (a "
		      "legacy-only device); skipped",
		      vp->vdev.where);
		kfree(vp);
		return;
	}
	pci_write16(d, PCI_COMMAND,
	            pci_read16(d, PCI_COMMAND) | PCI_COMMAND_MEMORY |
	                PCI_COMMAND_MASTER);
	w16(vp->common, COMMON_MSIX_CONFIG, VIRTIO_MSI_NO_VECTOR);
	if (!msix_setup(vp)) {
		vp->vdev.has_irq = d->irq_line != 0xff && d->irq_line != 0;
		vp->vdev.irq = d->irq_line;
	}
	virtio_device_add(&vp->vdev);
}

static int virtio_pci_probe(void)
{
	pci_scan(visit, 0);
	return 0;
}
KINIT_REGISTER(virtio_pci_probe, KINIT_LEVEL_BUS);
