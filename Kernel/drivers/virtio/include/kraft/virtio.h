/*
 * The virtio core (virtio 1.x): what transports (virtio-pci, virtio-mmio)
 * and device drivers (virtio-net, later blk and 9p) share. A transport only
 * finds devices and accesses their registers: it fills a struct
 * virtio_device with its operations (struct virtio_transport_ops) and calls
 * virtio_device_add. Everything above the registers is here: the status
 * handshake and 64-bit feature negotiation, split virtqueues (allocation,
 * adding, notifying, reaping used buffers) and interrupt acknowledgement.
 * A driver registers itself with VIRTIO_DRIVER_REGISTER (a linker section,
 * as system calls do): the core binds the devices the buses found to the
 * drivers linked in at the init table's device level, so neither side names
 * the other and the order of their initialisation does not matter.
 *
 * Only modern (1.0+) devices are driven: VIRTIO_F_VERSION_1 is required and
 * rings are split virtqueues. Guest memory is identity-mapped, so a virtual
 * address is the address the device sees; both architectures are
 * little-endian, like virtio 1.x.
 *
 * Error contract: 0 or a negative errno (kraft/kerrno.h).
 */
#ifndef KRAFT_VIRTIO_H
#define KRAFT_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED      128u

/* Transport-independent feature bits. */
#define VIRTIO_F_VERSION_1 (1ULL << 32)

/* Device IDs. */
#define VIRTIO_ID_NET 1u
#define VIRTIO_ID_BLK 2u
#define VIRTIO_ID_9P  9u

/* Interrupt status bits (what the transport's irq_ack returns). */
#define VIRTIO_ISR_QUEUE  1u
#define VIRTIO_ISR_CONFIG 2u

struct virtio_device;
struct virtqueue;

struct virtio_transport_ops {
	uint8_t (*get_status)(struct virtio_device *dev);
	void (*set_status)(struct virtio_device *dev, uint8_t status);
	/* Feature bits 32 * word .. 32 * word + 31 (word 0 or 1). */
	uint32_t (*get_features)(struct virtio_device *dev, unsigned word);
	void (*set_features)(struct virtio_device *dev, unsigned word,
	                     uint32_t bits);
	/* Copies len bytes of the device-specific configuration at off. */
	void (*read_config)(struct virtio_device *dev, unsigned off, void *buf,
	                    unsigned len);
	/* The largest size of queue index, 0 when there is no such queue. */
	uint16_t (*queue_max_size)(struct virtio_device *dev, unsigned index);
	/* Gives the device vq's rings and enables the queue. */
	int (*queue_enable)(struct virtio_device *dev, struct virtqueue *vq);
	void (*notify)(struct virtio_device *dev, struct virtqueue *vq);
	/* Reads and acknowledges the interrupt status (VIRTIO_ISR_*); safe
	 * in an interrupt handler. */
	unsigned (*irq_ack)(struct virtio_device *dev);
};

/* Called with the interrupt status (VIRTIO_ISR_*, never 0) in interrupt
 * context, after the core acknowledged the device. */
typedef void (*virtio_irq_handler)(struct virtio_device *dev, unsigned isr);

/* For transports: a 64-bit register (a ring address) as two 32-bit
 * writes, low half first, as both transports define it. */
static inline void virtio_write64(volatile void *at, uint64_t value)
{
	volatile uint32_t *half = at;
	half[0] = (uint32_t)value;
	half[1] = (uint32_t)(value >> 32);
}

/* For transports: the device configuration, read a byte at a time (no
 * field of it needs a wider access to be read whole). */
static inline void virtio_read_bytes(const volatile uint8_t *from, void *buf,
                                     unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		((uint8_t *)buf)[i] = from[i];
}

struct virtio_device {
	uint32_t id; /* VIRTIO_ID_*; 0 is an empty slot, never added */
	const struct virtio_transport_ops *ops;
	void *transport; /* the transport's own state */
	unsigned irq;    /* kraft/irq.h number, valid when has_irq */
	bool has_irq;
	char where[24];    /* for messages: "pci 00:03.0", "mmio 0xa003e00" */
	uint64_t features; /* negotiated, after virtio_negotiate */
	const struct virtio_driver *driver;
	void *driver_data; /* the driver's own state */
	virtio_irq_handler irq_handler;
	struct virtio_device *next;
};

struct virtio_driver {
	uint32_t device_id;
	const char *name;
	/* Takes the device: negotiates, sets up queues, sets DRIVER_OK. */
	int (*probe)(struct virtio_device *dev);
};

/* Links drv_probe in as the driver of device_id devices (VIRTIO_ID_*). */
#define VIRTIO_DRIVER_REGISTER(drv_name, id, drv_probe)                        \
	static const struct virtio_driver virtio_driver_##drv_probe            \
	    __attribute__((used, retain, section("virtio_drivers"),            \
	                   aligned(sizeof(long)))) = {                         \
	        .device_id = (id), .name = (drv_name), .probe = (drv_probe)}

/* From a transport: a device was found (empty slots are not added). */
void virtio_device_add(struct virtio_device *dev);

/*
 * Resets the device and negotiates: ACKNOWLEDGE, DRIVER, features offered &
 * (wanted | VERSION_1), FEATURES_OK. The result is in dev->features.
 * -KENODEV when the device lacks VERSION_1 or refuses the features.
 */
int virtio_negotiate(struct virtio_device *dev, uint64_t wanted);
static inline bool virtio_has_feature(const struct virtio_device *dev,
                                      uint64_t bit)
{
	return (dev->features & bit) != 0;
}
/* Copies len bytes of the device-specific configuration at off. */
void virtio_config_read(struct virtio_device *dev, unsigned off, void *buf,
                        unsigned len);
/*
 * Routes the device's interrupt to handler (after the core acknowledged
 * it). -KENODEV when the transport found no interrupt line for it.
 */
int virtio_irq_attach(struct virtio_device *dev, virtio_irq_handler handler);
/* After the queues are set up: the device may start. */
void virtio_driver_ok(struct virtio_device *dev);
/* Gives up on the device (FAILED) and says why. */
void virtio_fail(struct virtio_device *dev, const char *why, int err);

/* ---- split virtqueues ---- */

#define VIRTQ_DESC_F_NEXT          1u
#define VIRTQ_DESC_F_WRITE         2u
#define VIRTQ_USED_F_NO_NOTIFY     1u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

struct virtqueue {
	struct virtio_device *dev; /* NULL in ring-only tests */
	uint16_t index;
	uint16_t size; /* a power of two */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t free_head; /* first free descriptor (a chain via next) */
	uint16_t nfree;
	uint16_t last_used;   /* used->idx already consumed */
	uint16_t unpublished; /* chains added since the last kick */
	void **cookies;       /* by head descriptor */
	void *memory;         /* the rings' pages */
	unsigned memory_order;
	uint32_t notify_off; /* transport data (PCI notify offset) */
};

/* The order of the fewest pages (kpage_alloc) holding bytes: device rings
 * and buffers are whole, contiguous pages. */
unsigned virtio_page_order(size_t bytes);

/* One buffer of a chain: device-readable, or device-writable (in). */
struct virtq_buf {
	const void *addr;
	uint32_t len;
	bool device_writes;
};

/*
 * Allocates rings for a queue of at most max_size entries (rounded down to
 * a power of two, at most what the device allows when dev is set) and, with
 * a device, enables it. -KENOENT when the device has no such queue.
 */
int virtqueue_setup(struct virtqueue *vq, struct virtio_device *dev,
                    unsigned index, unsigned max_size);
/*
 * Queues a chain of n buffers (device-readable ones first) with cookie,
 * returned by virtqueue_get. -KENOSPC when fewer than n descriptors are free.
 * The device sees it after virtqueue_kick.
 */
int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
                  unsigned n, void *cookie);
/* Publishes the added chains and notifies the device unless it said not to. */
void virtqueue_kick(struct virtqueue *vq);
/* The next chain the device used (its cookie; *len bytes written), freeing
 * its descriptors; NULL when none is waiting. */
void *virtqueue_get(struct virtqueue *vq, uint32_t *len);
bool virtqueue_has_used(const struct virtqueue *vq);
/* Asks for (or stops) used-buffer interrupts for this queue. */
void virtqueue_interrupts(struct virtqueue *vq, bool enable);

#endif /* KRAFT_VIRTIO_H */
