/*
 * An lwIP network interface over a kernel network device (kraft/netdev.h):
 * output hands the pbuf chain to the driver as a gather list; the driver
 * copies it, except a large (TSO) frame, which a driver with
 * transmit_inplace reads where it is: the pbuf is referenced until the
 * driver's netdev_tx_done (lwIP does not resend, so does not rewrite, a
 * segment whose pbuf another holds: tcp_output_segment_busy);
 * the frames lwIP sends reach the device together at kraft_netifs_flush,
 * which releases of the core lock queue as deferred work (core_lock.c), so
 * a window of TCP segments costs one notification.
 * On a device that cuts TCP segments itself (NETDEV_F_TSO4), the netif is
 * flagged for lwIP's patches 0002-0003, which then build segments of up to
 * 44 MSS: output hands them on like any frame.
 * When the transmit ring is full, output sleeps until the driver says it
 * has room (no spinning: the host needs the CPU to empty the ring).
 * Input runs on the tcpip thread, which the driver's receive notification
 * wakes with a preallocated callback message, and copies each waiting
 * frame into a fresh pbuf until the device has none left; when a pbuf or
 * the mailbox is missing, the receive is retried later, since the device
 * does not notify again for frames it already announced. A frame whose
 * TCP/UDP checksum the device vouches for (NETDEV_RX_CSUM_OK: the host
 * made it in memory, or checked it) is flagged, and lwIP's patch 0004
 * does not sum it again.
 */
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/netdev.h>
#include <kraft/sched.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/snmp.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"
#include "kraft_lwip.h"

#define MAX_SEGMENTS 32
#define ETH_HEADER   (14 + 4) /* with a VLAN tag */
/* A receive that found no memory tries again after this long (at the
 * next release of the core lock after it: lwIP's timers release it at
 * least every second). */
#define RX_RETRY_NS (10 * KTIME_NS_PER_MS)
/* Waiting for room in the transmit ring: the driver's notification ends
 * it; this bound only keeps a lost interrupt from stopping the stack. */
#define TX_WAIT_NS (50 * KTIME_NS_PER_MS)

static struct kraft_netif *netifs;

/* The full ring's frames go to the device now, then the caller sleeps
 * until the driver returns slots. */
static void wait_for_room(struct kraft_netif *k, struct netdev *dev)
{
	if (dev->ops->flush)
		dev->ops->flush(dev);
	if (!dev->ops->tx_notify_enable) {
		sched_thread_yield(); /* the ring drains as the device sends */
		return;
	}
	dev->ops->tx_notify_enable(dev, 1);
	wait_queue_sleep_until(&k->tx_room, ktime_monotonic_ns() + TX_WAIT_NS);
	dev->ops->tx_notify_enable(dev, 0);
}

static void on_tx(struct netdev *dev, void *ctx)
{
	struct kraft_netif *k = ctx;
	wait_queue_wake_all(&k->tx_room);
}

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
	struct netdev *dev = nif->state;
	struct netdev_segment segs[MAX_SEGMENTS];
	unsigned n = 0;
	struct pbuf *q, *flat = 0;

	for (q = p; q && n < MAX_SEGMENTS; q = q->next)
		if (q->len)
			segs[n++] = (struct netdev_segment){q->payload, q->len};
	if (q) { /* a longer chain than the gather list: one copy */
		flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (!flat)
			return ERR_MEM;
		segs[0] = (struct netdev_segment){flat->payload, flat->len};
		n = 1;
	}
	int r;
	for (;;) {
		r = dev->ops->transmit_inplace && !flat
		        ? dev->ops->transmit_inplace(dev, segs, n, p)
		        : dev->ops->transmit(dev, segs, n);
		if (r != -KEAGAIN)
			break;
		wait_for_room((struct kraft_netif *)nif, dev);
	}
	if (r == 1) /* the device reads p until on_tx_done */
		pbuf_ref(p);
	if (flat)
		pbuf_free(flat);
	return r < 0 ? ERR_IF : ERR_OK;
}

/* The device is done with a frame transmit_inplace kept. Thread context,
 * the core lock held or not: threads are cooperative, and freeing a pbuf
 * touches only its reference count and, at the last reference, the heap;
 * never from an interrupt handler (SYS_ARCH_PROTECT is empty, lwipopts.h). */
static void on_tx_done(struct netdev *dev, void *cookie)
{
	(void)dev;
	pbuf_free(cookie);
}

/* On the tcpip thread: every frame the device holds, into lwIP. */
static void receive_all(void *arg)
{
	struct netif *nif = arg;
	struct netdev *dev = nif->state;
	struct kraft_netif *k = (struct kraft_netif *)nif;

	k->rx_pending = 0;
	for (;;) {
		struct pbuf *p = pbuf_alloc(
		    PBUF_RAW, (u16_t)(dev->mtu + ETH_HEADER), PBUF_RAM);
		if (!p) { /* frames stay in the ring until memory is back */
			k->rx_retry_at = ktime_monotonic_ns() + RX_RETRY_NS;
			break;
		}
		unsigned flags = 0;
		long len = dev->ops->receive_flags
		               ? dev->ops->receive_flags(dev, p->payload,
		                                         p->len, &flags)
		               : dev->ops->receive(dev, p->payload, p->len);
		if (len <= 0) {
			pbuf_free(p);
			if (len == 0)
				break;
			continue; /* an oversized frame was dropped */
		}
		pbuf_realloc(p, (u16_t)len);
		if (flags & NETDEV_RX_CSUM_OK)
			p->flags |= KRAFT_PBUF_FLAG_CSUM_OK;
		if (nif->input(p, nif) != ERR_OK)
			pbuf_free(p);
	}
}

static void on_rx(struct netdev *dev, void *ctx)
{
	struct kraft_netif *k = ctx;
	if (k->rx_pending)
		return;
	k->rx_pending = 1;
	if (tcpip_callbackmsg_trycallback(k->rx_msg) != ERR_OK) {
		/* The mailbox is full: the tcpip thread is busy and releases
		 * the core lock after each message, where this is retried. */
		k->rx_pending = 0;
		k->rx_retry_at = ktime_monotonic_ns();
	}
}

void kraft_netifs_flush(void)
{
	for (struct kraft_netif *k = netifs; k; k = k->next) {
		struct netdev *dev = k->netif.state;
		if (dev->ops->flush)
			dev->ops->flush(dev);
		if (k->rx_retry_at && ktime_monotonic_ns() >= k->rx_retry_at) {
			k->rx_retry_at = 0;
			on_rx(dev, k);
		}
	}
}

err_t kraft_netif_init(struct netif *nif)
{
	struct netdev *dev = nif->state;
	struct kraft_netif *k = (struct kraft_netif *)nif;

	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->hwaddr_len = ETH_HWADDR_LEN;
	for (int i = 0; i < ETH_HWADDR_LEN; i++)
		nif->hwaddr[i] = dev->mac[i];
	nif->mtu = dev->mtu;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	             NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	nif->linkoutput = linkoutput;
#if LWIP_IPV4
	nif->output = etharp_output;
#endif
#if LWIP_IPV6
	nif->output_ip6 = ethip6_output;
	nif->mtu6 = dev->mtu;
#endif
	/* The device finishes TCP checksums of what it sends. UDP keeps its
	 * own: a fragmented datagram's sum spans frames the device sees apart.
	 */
	if (dev->features & NETDEV_F_CSUM_TX)
		NETIF_SET_CHECKSUM_CTRL(nif, NETIF_CHECKSUM_ENABLE_ALL &
		                                 ~NETIF_CHECKSUM_GEN_TCP);
	/* The device also cuts large TCP/IPv4 segments (lwIP's patches
	 * 0002-0003 then build them): one frame per up to 44 segments. */
	if ((dev->features & (NETDEV_F_CSUM_TX | NETDEV_F_TSO4)) ==
	    (NETDEV_F_CSUM_TX | NETDEV_F_TSO4))
		nif->flags |= KRAFT_NETIF_FLAG_TSO4;
	k->rx_msg = tcpip_callbackmsg_new(receive_all, nif);
	if (!k->rx_msg)
		return ERR_MEM;
	dev->on_tx = on_tx;
	dev->on_tx_ctx = k;
	dev->on_tx_done = on_tx_done;
	k->next = netifs;
	netifs = k;
	dev->on_rx = on_rx;
	dev->on_rx_ctx = k;
	if (dev->ops->rx_notify_enable)
		dev->ops->rx_notify_enable(dev, 1);
	return ERR_OK;
}
