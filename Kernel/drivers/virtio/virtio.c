/*
 * Device and driver matching, and the status/feature handshake of virtio
 * 1.x section 3.1.1: reset, ACKNOWLEDGE, DRIVER, feature negotiation
 * confirmed by FEATURES_OK, then (after the driver's queues) DRIVER_OK.
 */
#include <kraft/kerrno.h>
#include <kraft/print.h>
#include <kraft/virtio.h>

static struct virtio_device *devices;
static struct virtio_driver *drivers;

static void bind(struct virtio_device *dev, struct virtio_driver *drv)
{
	if (dev->driver || dev->id != drv->device_id)
		return;
	dev->driver = drv;
	int err = drv->probe(dev);
	if (err) {
		dev->driver = 0;
		kwarn("virtio: %s: %s did not take the device (error %d)",
		      dev->where, drv->name, err);
	}
}

void virtio_device_add(struct virtio_device *dev)
{
	kinfo("virtio: device %u at %s", dev->id, dev->where);
	dev->next = devices;
	devices = dev;
	for (struct virtio_driver *drv = drivers; drv; drv = drv->next)
		bind(dev, drv);
}

void virtio_driver_register(struct virtio_driver *drv)
{
	drv->next = drivers;
	drivers = drv;
	for (struct virtio_device *dev = devices; dev; dev = dev->next)
		bind(dev, drv);
}

int virtio_negotiate(struct virtio_device *dev, uint64_t wanted)
{
	const struct virtio_transport_ops *ops = dev->ops;

	ops->set_status(dev, 0);
	/* A reset completes when status reads 0. */
	for (unsigned spins = 0; ops->get_status(dev) != 0; spins++)
		if (spins == 1000000) {
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
