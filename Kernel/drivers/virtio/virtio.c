/*
 * Device and driver matching, and the status/feature handshake of virtio
 * 1.x section 3.1.1: reset, ACKNOWLEDGE, DRIVER, feature negotiation
 * confirmed by FEATURES_OK, then (after the driver's queues) DRIVER_OK.
 */
#include <kraft/irq.h>
#include <kraft/kerrno.h>
#include <kraft/kinit.h>
#include <kraft/print.h>
#include <kraft/virtio.h>

/* What VIRTIO_DRIVER_REGISTER put in the section (the linker names its
 * bounds; weak, so an image without a virtio driver still links). */
extern const struct virtio_driver __start_virtio_drivers[]
    __attribute__((weak));
extern const struct virtio_driver __stop_virtio_drivers[] __attribute__((weak));

static struct virtio_device *devices;
static bool drivers_bound; /* the device level has run */

static void bind(struct virtio_device *dev)
{
	for (const struct virtio_driver *drv = __start_virtio_drivers;
	     drv < __stop_virtio_drivers && !dev->driver; drv++) {
		if (dev->id != drv->device_id)
			continue;
		dev->driver = drv;
		int err = drv->probe(dev);
		if (err) {
			dev->driver = 0;
			kwarn("virtio: %s: %s did not take the device (error "
			      "%d)",
			      dev->where, drv->name, err);
		}
	}
}

void virtio_device_add(struct virtio_device *dev)
{
	kinfo("virtio: device %u at %s", dev->id, dev->where);
	dev->next = devices;
	devices = dev;
	if (drivers_bound)
		bind(dev);
}

/* The buses found their devices at the bus level; drivers take them now,
 * when what they register with (netdev) is up too. */
static int virtio_bind_drivers(void)
{
	drivers_bound = true;
	for (struct virtio_device *dev = devices; dev; dev = dev->next)
		bind(dev);
	return 0;
}
KINIT_REGISTER(virtio_bind_drivers, KINIT_LEVEL_DEVICE);

static int reset(struct virtio_device *dev)
{
	dev->ops->set_status(dev, 0);
	/* A reset completes when status reads 0. */
	for (unsigned spins = 0; dev->ops->get_status(dev) != 0; spins++)
		if (spins == 1000000)
			return -KEIO;
	return 0;
}

int virtio_negotiate(struct virtio_device *dev, uint64_t wanted)
{
	const struct virtio_transport_ops *ops = dev->ops;

	if (reset(dev)) {
		virtio_fail(dev, "it does not reset", -KEIO);
		return -KEIO;
	}
	ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);

	uint64_t offered = ops->get_features(dev, 0) |
	                   (uint64_t)ops->get_features(dev, 1) << 32;
	if (!(offered & VIRTIO_F_VERSION_1)) {
		virtio_fail(dev, "it is a legacy device (no VERSION_1)",
		            -KENODEV);
		return -KENODEV;
	}
	dev->features = offered & (wanted | VIRTIO_F_VERSION_1);
	ops->set_features(dev, 0, (uint32_t)dev->features);
	ops->set_features(dev, 1, (uint32_t)(dev->features >> 32));
	ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	                         VIRTIO_STATUS_FEATURES_OK);
	if (!(ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_fail(dev, "it refused the features", -KENODEV);
		return -KENODEV;
	}
	return 0;
}

void virtio_driver_ok(struct virtio_device *dev)
{
	dev->ops->set_status(dev, dev->ops->get_status(dev) |
	                              VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_device *dev, const char *why, int err)
{
	dev->ops->set_status(dev,
	                     dev->ops->get_status(dev) | VIRTIO_STATUS_FAILED);
	kwarn("virtio: %s: %s (error %d)", dev->where, why, err);
}

void virtio_config_read(struct virtio_device *dev, unsigned off, void *buf,
                        unsigned len)
{
	dev->ops->read_config(dev, off, buf, len);
}

/* Interrupt context. A shared line may be another device's: status 0. */
static void irq_entry(void *ctx)
{
	struct virtio_device *dev = ctx;
	unsigned isr = dev->ops->irq_ack(dev);
	if (isr && dev->irq_handler)
		dev->irq_handler(dev, isr);
}

int virtio_irq_attach(struct virtio_device *dev, virtio_irq_handler handler)
{
	if (!dev->has_irq)
		return -KENODEV;
	dev->irq_handler = handler;
	return kirq_attach(dev->irq, irq_entry, dev);
}
