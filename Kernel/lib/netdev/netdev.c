/*
 * The network device table (kraft/netdev.h): a fixed array in registration
 * order, so eth<N> is the N-th device a driver registered and a stack can
 * walk them by index. Devices are never removed (no hot-unplug in a
 * unikernel), so a pointer from netdev_get stays valid. Devices that can
 * be polled are polled by the scheduler before it halts (kraft/sched.h).
 */
#include <kraft/kerrno.h>
#include <kraft/netdev.h>
#include <kraft/print.h>
#include <kraft/sched.h>

#define NETDEV_MAX 8

static struct netdev *devices[NETDEV_MAX];
static unsigned ndevices;

int netdev_register(struct netdev *dev)
{
	if (ndevices == NETDEV_MAX)
		return -KENOSPC;
	ksnprintf(dev->name, sizeof dev->name, "eth%u", ndevices);
	devices[ndevices++] = dev;
	kinfo("%s: %02x:%02x:%02x:%02x:%02x:%02x mtu %u", dev->name,
	      dev->mac[0], dev->mac[1], dev->mac[2], dev->mac[3], dev->mac[4],
	      dev->mac[5], dev->mtu);
	return 0;
}

unsigned netdev_count(void)
{
	return ndevices;
}

struct netdev *netdev_get(unsigned index)
{
	return index < ndevices ? devices[index] : 0;
}

void netdev_notify_rx(struct netdev *dev)
{
	if (dev->on_rx)
		dev->on_rx(dev, dev->on_rx_ctx);
}

void netdev_notify_tx(struct netdev *dev)
{
	if (dev->on_tx)
		dev->on_tx(dev, dev->on_tx_ctx);
}

void netdev_tx_done(struct netdev *dev, void *cookie)
{
	if (dev->on_tx_done)
		dev->on_tx_done(dev, cookie);
}

static void idle_poll_mode(bool polling)
{
	for (unsigned i = 0; i < ndevices; i++)
		if (devices[i]->ops->poll_mode)
			devices[i]->ops->poll_mode(devices[i], polling);
}

static bool idle_poll(void)
{
	bool found = false;
	for (unsigned i = 0; i < ndevices; i++)
		if (devices[i]->ops->poll && devices[i]->ops->poll(devices[i]))
			found = true;
	return found;
}
SCHED_IDLE_POLL_REGISTER(netdev, idle_poll_mode, idle_poll);
