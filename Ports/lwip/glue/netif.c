/*
 * An lwIP network interface over a kernel network device (kraft/netdev.h):
 * output hands the pbuf chain to the driver as a gather list (no copy);
 * input runs on the tcpip thread, which the driver's receive notification
 * wakes through tcpip_try_callback, and copies each waiting frame into a
 * fresh pbuf until the device has none left.
 */
#include <kraft/kerrno.h>
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
	while ((r = dev->ops->transmit(dev, segs, n)) == -KEAGAIN)
		sched_thread_yield(); /* the ring drains as the device sends */
	if (flat)
		pbuf_free(flat);
	return r ? ERR_IF : ERR_OK;
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
		if (!p)
			break; /* out of memory: the next notification retries
			        */
		long len = dev->ops->receive(dev, p->payload, p->len);
		if (len <= 0) {
			pbuf_free(p);
			if (len == 0)
				break;
			continue; /* an oversized frame was dropped */
		}
		pbuf_realloc(p, (u16_t)len);
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
	if (tcpip_try_callback(receive_all, &k->netif) != ERR_OK)
		k->rx_pending = 0;
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
	dev->on_rx = on_rx;
	dev->on_rx_ctx = k;
	if (dev->ops->rx_notify_enable)
		dev->ops->rx_notify_enable(dev, 1);
	return ERR_OK;
}
