/*
 * virtio over MMIO, version 2 (virtio 1.x section 4.2). Where devices are:
 * the kernel command line's virtio_mmio.device=<size>@<base>:<irq> words
 * (Linux's syntax, which QEMU microvm and Firecracker append), and on arm64
 * the device tree's "virtio,mmio" nodes, whose first interrupt cell pair
 * is an SPI. QEMU virt has 32 slots, most of them empty (device ID 0): those
 * are skipped quietly. A version 1 (legacy) device is skipped with a hint:
 * QEMU's virtio-mmio is legacy unless told "-global
 * virtio-mmio.force-legacy=false".
 *
 * Devices are found once at boot, at the init table's bus level.
 */
#include <kraft/alloc.h>
#include <kraft/fdt.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kinit.h>
#include <kraft/kstring.h>
#include <kraft/print.h>
#include <kraft/virtio.h>

#define MMIO_MAGIC         0x000
#define MMIO_VERSION       0x004
#define MMIO_DEVICE_ID     0x008
#define MMIO_DEV_FEATURES  0x010
#define MMIO_DEV_FEAT_SEL  0x014
#define MMIO_DRV_FEATURES  0x020
#define MMIO_DRV_FEAT_SEL  0x024
#define MMIO_QUEUE_SEL     0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM     0x038
#define MMIO_QUEUE_READY   0x044
#define MMIO_QUEUE_NOTIFY  0x050
#define MMIO_IRQ_STATUS    0x060
#define MMIO_IRQ_ACK       0x064
#define MMIO_STATUS        0x070
#define MMIO_QUEUE_DESC    0x080
#define MMIO_QUEUE_DRIVER  0x090
#define MMIO_QUEUE_DEVICE  0x0a0
#define MMIO_CONFIG        0x100
#define MMIO_MAGIC_VALUE   0x74726976u /* "virt" */
#define CMDLINE_KEY        "virtio_mmio.device="
#define FDT_IRQ_TYPE_SPI   0
#define GIC_SPI_BASE       32

struct virtio_mmio {
	struct virtio_device vdev;
	volatile uint8_t *base;
};

static volatile uint8_t *base_of(struct virtio_device *dev)
{
	return ((struct virtio_mmio *)dev->transport)->base;
}

static uint32_t r32(struct virtio_device *dev, unsigned off)
{
	return *(volatile uint32_t *)(base_of(dev) + off);
}

static void w32(struct virtio_device *dev, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(base_of(dev) + off) = v;
}

static void w64(struct virtio_device *dev, unsigned off, uint64_t v)
{
	virtio_write64(base_of(dev) + off, v);
}

static uint8_t get_status(struct virtio_device *dev)
{
	return (uint8_t)r32(dev, MMIO_STATUS);
}

static void set_status(struct virtio_device *dev, uint8_t status)
{
	w32(dev, MMIO_STATUS, status);
}

static uint32_t get_features(struct virtio_device *dev, unsigned word)
{
	w32(dev, MMIO_DEV_FEAT_SEL, word);
	return r32(dev, MMIO_DEV_FEATURES);
}

static void set_features(struct virtio_device *dev, unsigned word,
                         uint32_t bits)
{
	w32(dev, MMIO_DRV_FEAT_SEL, word);
	w32(dev, MMIO_DRV_FEATURES, bits);
}

static void read_config(struct virtio_device *dev, unsigned off, void *buf,
                        unsigned len)
{
	virtio_read_bytes(base_of(dev) + MMIO_CONFIG + off, buf, len);
}

static uint16_t queue_max_size(struct virtio_device *dev, unsigned index)
{
	w32(dev, MMIO_QUEUE_SEL, index);
	if (r32(dev, MMIO_QUEUE_READY))
		return 0; /* in use already */
	uint32_t max = r32(dev, MMIO_QUEUE_NUM_MAX);
	return max > 32768 ? 32768 : (uint16_t)max;
}

static int queue_enable(struct virtio_device *dev, struct virtqueue *vq)
{
	w32(dev, MMIO_QUEUE_SEL, vq->index);
	w32(dev, MMIO_QUEUE_NUM, vq->size);
	w64(dev, MMIO_QUEUE_DESC, (uintptr_t)vq->desc);
	w64(dev, MMIO_QUEUE_DRIVER, (uintptr_t)vq->avail);
	w64(dev, MMIO_QUEUE_DEVICE, (uintptr_t)vq->used);
	w32(dev, MMIO_QUEUE_READY, 1);
	return 0;
}

static void notify(struct virtio_device *dev, struct virtqueue *vq)
{
	w32(dev, MMIO_QUEUE_NOTIFY, vq->index);
}

static unsigned irq_ack(struct virtio_device *dev)
{
	uint32_t status = r32(dev, MMIO_IRQ_STATUS);
	if (status)
		w32(dev, MMIO_IRQ_ACK, status);
	return status;
}

static const struct virtio_transport_ops mmio_ops = {
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

static void probe(uint64_t base, bool has_irq, unsigned irq)
{
	volatile uint32_t *regs = (volatile uint32_t *)(uintptr_t)base;

	if (regs[MMIO_MAGIC / 4] != MMIO_MAGIC_VALUE) {
		kwarn("virtio-mmio: no device at %#lx (bad magic)",
		      (unsigned long)base);
		return;
	}
	uint32_t id = regs[MMIO_DEVICE_ID / 4];
	if (id == 0)
		return; /* an empty slot */
	uint32_t version = regs[MMIO_VERSION / 4];
	if (version != 2) {
		kwarn("virtio-mmio: device %u at %#lx is version %u (legacy); "
		      "only version 2 is driven (QEMU: -global "
		      "virtio-mmio.force-legacy=false)",
		      id, (unsigned long)base, version);
		return;
	}
	struct virtio_mmio *vm = kcalloc(1, sizeof *vm);
	if (!vm)
		kpanic("out of memory for a virtio-mmio device");
	vm->base = (volatile uint8_t *)(uintptr_t)base;
	vm->vdev.transport = vm;
	vm->vdev.ops = &mmio_ops;
	vm->vdev.id = id;
	vm->vdev.has_irq = has_irq;
	vm->vdev.irq = irq;
	ksnprintf(vm->vdev.where, sizeof vm->vdev.where, "mmio %#lx",
	          (unsigned long)base);
	virtio_device_add(&vm->vdev);
}

/* Parses "<size>@<base>:<irq>[:<id>]"; size may end in K, M or G. */
static bool parse_cmdline_device(const char *s, uint64_t *base, unsigned *irq)
{
	char buf[64];
	kstrlcpy(buf, s, sizeof buf);
	char *at = kstrchr(buf, '@');
	if (!at)
		return false;
	char *colon = kstrchr(at + 1, ':');
	if (!colon)
		return false;
	*colon = 0;
	char *colon2 = kstrchr(colon + 1, ':');
	if (colon2)
		*colon2 = 0;
	unsigned long b, i;
	if (kstrtoul(at + 1, 0, &b) || kstrtoul(colon + 1, 0, &i))
		return false;
	*base = b;
	*irq = (unsigned)i;
	return true;
}

static void scan_cmdline(void)
{
	const char *arg;
	for (int i = 0; (arg = kcore_kernel_arg(i)); i++) {
		if (kstrncmp(arg, CMDLINE_KEY, sizeof CMDLINE_KEY - 1))
			continue;
		uint64_t base;
		unsigned irq;
		if (parse_cmdline_device(arg + sizeof CMDLINE_KEY - 1, &base,
		                         &irq))
			probe(base, true, irq);
		else
			kwarn("virtio-mmio: cannot read '%s' (expected "
			      "<size>@<base>:<irq>)",
			      arg);
	}
}

static void scan_device_tree(void)
{
	if (!fdt_blob())
		return;
	for (int node = fdt_find_compatible(-1, "virtio,mmio"); node >= 0;
	     node = fdt_find_compatible(node, "virtio,mmio")) {
		uint64_t base, size;
		uint32_t type, number;
		if (!fdt_reg(node, 0, &base, &size))
			continue;
		bool spi = fdt_prop_u32(node, "interrupts", 0, &type) &&
		           fdt_prop_u32(node, "interrupts", 1, &number) &&
		           type == FDT_IRQ_TYPE_SPI;
		probe(base, spi, GIC_SPI_BASE + number);
	}
}

static int virtio_mmio_probe(void)
{
	scan_cmdline();
	scan_device_tree();
	return 0;
}
KINIT_REGISTER(virtio_mmio_probe, KINIT_LEVEL_BUS);
