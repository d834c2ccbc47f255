/*
 * virtio-net (virtio 1.x section 5.1): one receive and one transmit queue,
 * registered as a netdev. Features asked for: MAC (the device's address),
 * STATUS (link state, logged), MRG_RXBUF (a frame may span several receive
 * buffers; with 2 KiB buffers and no GSO it rarely does), CSUM (the device
 * finishes TCP/UDP checksums of frames the driver sends), GUEST_CSUM
 * (the host may send frames whose checksum is only partial: receive
 * completes it, so a caller gets frames as they are on the wire, while
 * receive_flags leaves it and says the checksum needs no check, as it
 * does for frames the host marks as already checked)
 * and HOST_TSO4 (the device cuts a TCP/IPv4 frame of up to 64 KiB into
 * MTU-sized ones: the host's kernel does it, so the guest hands over one
 * frame where it would have handed over up to 44, each a trip through the
 * hypervisor; the Linux guest it is measured against does the same).
 *
 * Receive: every receive buffer (2 KiB, header included) is posted at start
 * and re-posted as soon as its frame is copied out, so the ring stays full;
 * re-posted buffers are published to the device at flush, or every quarter
 * ring during a long burst of receives.
 * Transmit: the frame is gathered from the caller's segments into one
 * buffer of a preallocated slot (2 KiB; a TSO frame takes a 64 KiB buffer),
 * behind its virtio-net header, so the caller may reuse its memory when
 * transmit returns. Each
 * frame is one descriptor, so a slot is a ring entry whatever its size.
 * transmit_inplace does not copy a TSO frame: the slot's buffer holds only
 * the header, and the caller's segments follow it as descriptors of their
 * own (virtio 1.x lets a header and its frame lie apart), so a 64 KiB frame
 * of a file server costs no copy here (it cost a third of the guest's
 * instructions per 1 MiB file); the slot keeps the caller's cookie, handed
 * back by netdev_tx_done when the slot is reclaimed.
 * TSO buffers are made as bulk sends need them, up to
 * CONFIG_VIRTIO_NET_TSO_BUFFERS: one at probe (so a TSO frame can always
 * be sent once the ones in flight come back), the others on demand, kept
 * for the next bulk send and given back when RAM runs short
 * (KALLOC_RECLAIMABLE_REGISTER). A server of small replies (Redis) never
 * holds more than the first; a file server holds the others only while
 * memory allows. Frames are published
 * at flush, so a burst costs one notification (an exit to the host) rather
 * than one per frame. Slots come back when the device has used them
 * (reclaimed on the next transmit or interrupt).
 *
 * Interrupts: the handler acknowledges the device and queues deferred work;
 * that work (thread context) reclaims transmit slots and, when the stack
 * asked for them, calls netdev_notify_rx (frames waiting) and
 * netdev_notify_tx (room in the transmit ring). Transmit interrupts are
 * on only while a stack waits for room. Receive interrupts are off while
 * the scheduler polls the receive ring before halting (poll, poll_mode).
 */
#include <kraft/alloc.h>
#include <kraft/irq.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/netdev.h>
#include <kraft/print.h>
#include <kraft/virtio.h>
#include "checksum.h"

#ifndef CONFIG_VIRTIO_NET_RING_SIZE
#define CONFIG_VIRTIO_NET_RING_SIZE 128
#endif
#ifndef CONFIG_VIRTIO_NET_TSO_BUFFERS
#define CONFIG_VIRTIO_NET_TSO_BUFFERS 0
#endif

#define VIRTIO_NET_F_CSUM       (1ULL << 0)
#define VIRTIO_NET_F_GUEST_CSUM (1ULL << 1)
#define VIRTIO_NET_F_MAC        (1ULL << 5)
#define VIRTIO_NET_F_HOST_TSO4  (1ULL << 11)
#define VIRTIO_NET_F_MRG_RXBUF  (1ULL << 15)
#define VIRTIO_NET_F_STATUS     (1ULL << 16)
#define VIRTIO_NET_S_LINK_UP    1u

#define HDR_F_NEEDS_CSUM 1u
#define HDR_F_DATA_VALID 2u
#define TCP_CSUM_OFFSET  16 /* of the checksum field in the header */
#define UDP_CSUM_OFFSET  6
#define HDR_GSO_TCPV4    1u
#define CONFIG_MAC       0
#define CONFIG_STATUS    6
#define RXQ              0
#define TXQ              1
#define BUF_SIZE         2048
#define ETH_MAX_FRAME    1514   /* 1500 bytes of payload, the header */
#define TSO_BUF_SIZE     65536u /* a header and NETDEV_TSO_MAX_FRAME */
/* The most segments of an in-place frame (lwIP's netif gathers 32). */
#define MAX_INPLACE_SEGMENTS 32

struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers; /* virtio 1.x: always present */
};

struct vnet {
	struct netdev netdev;
	struct virtio_device *vdev;
	struct virtqueue rx, tx;
	uint8_t *rx_bufs, *tx_bufs; /* BUF_SIZE each, by slot */
	unsigned rx_count, tx_count, pages_order_rx, pages_order_tx;
	uint16_t *tx_free; /* a stack of free transmit slots */
	unsigned tx_nfree;
	/* TSO frames' buffers: how many exist, a stack of the free ones, and
	 * which one each transmit slot holds (NULL: the slot's own buffer). */
	uint8_t *tso_free[CONFIG_VIRTIO_NET_TSO_BUFFERS + 1];
	unsigned tso_count, tso_nfree;
	uint8_t **slot_tso;
	/* The cookie of each slot's in-place frame (NULL: none), and how many
	 * slots hold one. */
	void **slot_held;
	unsigned held;
	bool notify_rx, notify_tx;
	struct kirq_work work;
	struct vnet *next; /* every device, for the reclaim */
};

#define TSO_ORDER virtio_page_order(TSO_BUF_SIZE)

static struct vnet *devices;

static int rx_post(struct vnet *n, unsigned slot)
{
	struct virtq_buf buf = {n->rx_bufs + (size_t)slot * BUF_SIZE, BUF_SIZE,
	                        true};
	return virtqueue_add(&n->rx, &buf, 1, (void *)(uintptr_t)(slot + 1));
}

static void tx_slot_free(struct vnet *n, unsigned slot)
{
	if (n->slot_tso[slot]) {
		n->tso_free[n->tso_nfree++] = n->slot_tso[slot];
		n->slot_tso[slot] = 0;
	}
	n->tx_free[n->tx_nfree++] = (uint16_t)slot;
	void *cookie = n->slot_held[slot];
	if (cookie) {
		n->slot_held[slot] = 0;
		n->held--;
		netdev_tx_done(&n->netdev, cookie);
	}
}

static void tx_reclaim(struct vnet *n)
{
	void *cookie;
	while ((cookie = virtqueue_get(&n->tx, 0)))
		tx_slot_free(n, (unsigned)((uintptr_t)cookie - 1));
}

/* One more TSO buffer when all are in flight and fewer than the option
 * allows exist; false when there is none to be had (the caller waits for
 * one in flight to come back). */
static bool tso_grow(struct vnet *n)
{
	if (n->tso_count >= CONFIG_VIRTIO_NET_TSO_BUFFERS)
		return false;
	uint8_t *b = kpage_alloc(TSO_ORDER);
	if (!b)
		return false;
	n->tso_free[n->tso_nfree++] = b;
	n->tso_count++;
	return true;
}

/* The idle TSO buffers but one, of every device (with those the device
 * has sent since the last reclaim of slots): RAM is short. The scheduler
 * is cooperative, and the driver allocates only outside its queue
 * operations, so the queues are in a steady state here. */
static void tso_reclaim(void)
{
	for (struct vnet *n = devices; n; n = n->next) {
		/* A sent in-place frame goes back to its stack, which frees
		 * memory: not from inside the allocator asking for it. */
		if (!n->held)
			tx_reclaim(n);
		while (n->tso_nfree && n->tso_count > 1) {
			kpage_free(n->tso_free[--n->tso_nfree], TSO_ORDER);
			n->tso_count--;
		}
	}
}

static size_t tso_reclaimable_bytes(void)
{
	size_t bytes = 0;
	for (struct vnet *n = devices; n; n = n->next) {
		unsigned idle = n->tso_nfree;
		if (idle && idle == n->tso_count)
			idle--; /* the one kept */
		bytes += (size_t)idle * TSO_BUF_SIZE;
	}
	return bytes;
}
KALLOC_RECLAIMABLE_REGISTER(virtio_net_tso, tso_reclaimable_bytes, tso_reclaim);

/* A TSO frame's header: the device cuts the TCP/IPv4 frame into frames of
 * the MTU. false when the frame is not TCP/IPv4 (without a VLAN tag). */
static bool tso_header(struct vnet *n, const uint8_t *frame, size_t len,
                       struct virtio_net_hdr *hdr)
{
	if (len < 14 + 20 + 20 || frame[12] != 0x08 || frame[13] != 0x00 ||
	    frame[14 + 9] != 6 || hdr->csum_start < 14 + 20 ||
	    (size_t)hdr->csum_start + 20 > len)
		return false;
	unsigned ip_len = hdr->csum_start - 14u;
	unsigned tcp_len = (frame[hdr->csum_start + 12] >> 4) * 4u;
	if (tcp_len < 20 || ip_len + tcp_len >= n->netdev.mtu)
		return false;
	hdr->gso_type = HDR_GSO_TCPV4;
	hdr->gso_size = (uint16_t)(n->netdev.mtu - ip_len - tcp_len);
	hdr->hdr_len = (uint16_t)(hdr->csum_start + tcp_len);
	return true;
}

static size_t frame_length(const struct netdev_segment *segs, unsigned nsegs)
{
	size_t total = 0;

	for (unsigned i = 0; i < nsegs; i++)
		total += segs[i].len;
	return total;
}

/* The frame of total bytes copied into a slot's buffer (a TSO buffer when
 * it is longer than one Ethernet frame). */
static int transmit_copy(struct vnet *n, const struct netdev_segment *segs,
                         unsigned nsegs, size_t total)
{
	bool tso = total > ETH_MAX_FRAME;
	if (total == 0 ||
	    total > (n->tso_count ? NETDEV_TSO_MAX_FRAME : ETH_MAX_FRAME))
		return -KEMSGSIZE;
	tx_reclaim(n);
	if (!n->tx_nfree || (tso && !n->tso_nfree && !tso_grow(n)))
		return -KEAGAIN;
	unsigned slot = n->tx_free[--n->tx_nfree];
	uint8_t *buf = n->tx_bufs + (size_t)slot * BUF_SIZE;
	if (tso)
		buf = n->slot_tso[slot] = n->tso_free[--n->tso_nfree];
	struct virtio_net_hdr *hdr = (struct virtio_net_hdr *)buf;
	uint8_t *frame = buf + sizeof *hdr;

	*hdr = (struct virtio_net_hdr){0};
	for (unsigned i = 0, at = 0; i < nsegs; at += segs[i].len, i++)
		kmemcpy(frame + at, segs[i].data, segs[i].len);
	if (virtio_has_feature(n->vdev, VIRTIO_NET_F_CSUM) &&
	    vnet_csum_partial(frame, total, &hdr->csum_start,
	                      &hdr->csum_offset))
		hdr->flags = HDR_F_NEEDS_CSUM;
	if (tso && !(hdr->flags && tso_header(n, frame, total, hdr))) {
		tx_slot_free(n, slot);
		return -KEMSGSIZE;
	}

	struct virtq_buf vb = {buf, (uint32_t)(sizeof *hdr + total), false};
	int err = virtqueue_add(&n->tx, &vb, 1, (void *)(uintptr_t)(slot + 1));
	if (err) {
		tx_slot_free(n, slot);
		return -KEAGAIN;
	}
	return 0;
}

static int transmit(struct netdev *dev, const struct netdev_segment *segs,
                    unsigned nsegs)
{
	return transmit_copy(dev->driver, segs, nsegs,
	                     frame_length(segs, nsegs));
}

/* A TSO frame whose headers lie in its first segment, sent from where the
 * segments are: the slot's buffer holds only the virtio-net header. 1 when
 * sent so, 0 when the frame is not one of those, or a negative errno. */
static int transmit_held(struct vnet *n, const struct netdev_segment *segs,
                         unsigned nsegs, size_t total, void *cookie)
{
	/* An Ethernet, IPv4 and TCP header, each of the longest. */
	const size_t headers = 14 + 60 + 60;
	uint8_t *frame = (uint8_t *)segs[0].data;

	if (total <= ETH_MAX_FRAME || segs[0].len < headers ||
	    nsegs + 1 > n->tx.size)
		return 0;
	tx_reclaim(n);
	if (!n->tx_nfree || n->tx.nfree < nsegs + 1)
		return -KEAGAIN;
	struct virtio_net_hdr hdr = {0};
	if (!vnet_csum_partial(frame, total, &hdr.csum_start,
	                       &hdr.csum_offset) ||
	    !tso_header(n, frame, segs[0].len, &hdr))
		return -KEMSGSIZE;
	hdr.flags = HDR_F_NEEDS_CSUM;
	unsigned slot = n->tx_free[--n->tx_nfree];
	uint8_t *buf = n->tx_bufs + (size_t)slot * BUF_SIZE;
	kmemcpy(buf, &hdr, sizeof hdr);
	struct virtq_buf vb[MAX_INPLACE_SEGMENTS + 1];
	vb[0] = (struct virtq_buf){buf, sizeof hdr, false};
	for (unsigned i = 0; i < nsegs; i++)
		vb[i + 1] = (struct virtq_buf){segs[i].data,
		                               (uint32_t)segs[i].len, false};
	if (virtqueue_add(&n->tx, vb, nsegs + 1,
	                  (void *)(uintptr_t)(slot + 1))) {
		tx_slot_free(n, slot);
		return -KEAGAIN;
	}
	n->slot_held[slot] = cookie;
	n->held++;
	return 1;
}

static int transmit_inplace(struct netdev *dev,
                            const struct netdev_segment *segs, unsigned nsegs,
                            void *cookie)
{
	struct vnet *n = dev->driver;
	size_t total = frame_length(segs, nsegs);

	if (!virtio_has_feature(n->vdev, VIRTIO_NET_F_CSUM) || !n->tso_count ||
	    nsegs > MAX_INPLACE_SEGMENTS || total > NETDEV_TSO_MAX_FRAME)
		return transmit_copy(n, segs, nsegs, total);
	int r = transmit_held(n, segs, nsegs, total, cookie);
	return r ? r : transmit_copy(n, segs, nsegs, total);
}

static void flush(struct netdev *dev)
{
	struct vnet *n = dev->driver;

	/* Frames the device is done with: an in-place frame's memory goes
	 * back to its stack (which will not resend a segment while the
	 * device may still read it). */
	if (n->held)
		tx_reclaim(n);
	virtqueue_kick(&n->tx);
	virtqueue_kick(&n->rx);
}

/* One used chain's frame: its length (0 for a runt without data), or
 * -KEAGAIN when none is waiting. flags: NULL to complete a partial
 * checksum; else where to say what the device vouches for. */
static long receive_one(struct vnet *n, void *out, size_t cap, unsigned *flags)
{
	uint32_t len;
	void *cookie = virtqueue_get(&n->rx, &len);

	if (!cookie)
		return -KEAGAIN;
	unsigned slot = (unsigned)((uintptr_t)cookie - 1);
	const uint8_t *buf = n->rx_bufs + (size_t)slot * BUF_SIZE;
	struct virtio_net_hdr hdr;
	kmemcpy(&hdr, buf, sizeof hdr);
	unsigned nbufs = virtio_has_feature(n->vdev, VIRTIO_NET_F_MRG_RXBUF) &&
	                         hdr.num_buffers > 1
	                     ? hdr.num_buffers
	                     : 1;
	size_t total = 0;
	bool fits = true;

	/* The first buffer holds the header, the others only frame bytes. */
	for (unsigned i = 0; i < nbufs; i++) {
		size_t skip = i == 0 ? sizeof hdr : 0;
		size_t part = len > skip ? len - skip : 0;
		if (fits && total + part <= cap)
			kmemcpy((uint8_t *)out + total, buf + skip, part);
		else
			fits = false;
		total += part;
		rx_post(n, slot);
		if (i + 1 < nbufs) {
			cookie = virtqueue_get(&n->rx, &len);
			if (!cookie)
				break; /* the device broke its promise */
			slot = (unsigned)((uintptr_t)cookie - 1);
			buf = n->rx_bufs + (size_t)slot * BUF_SIZE;
		}
	}
	/* A long burst of receives must not starve the device of buffers
	 * until the stack's flush. */
	if (n->rx.unpublished >= n->rx.size / 4)
		virtqueue_kick(&n->rx);
	if (!fits)
		return -KEMSGSIZE;
	/* virtio 1.x, 5.1.6.4.1: a NEEDS_CSUM frame's checksum (and any
	 * before it) has been validated, only its field is partial: the host
	 * never computed it, as the frame never left the host's memory.
	 * DATA_VALID: the device checked the checksum. A stack that takes
	 * the host's word needs neither the sum here nor its own check, for
	 * TCP and UDP (NETDEV_RX_CSUM_OK); another protocol's partial sum
	 * (none the host makes today) is still completed. */
	bool partial = hdr.flags & HDR_F_NEEDS_CSUM;
	bool tcp_udp = hdr.csum_offset == TCP_CSUM_OFFSET ||
	               hdr.csum_offset == UDP_CSUM_OFFSET;
	bool trusted = (partial && tcp_udp) || (hdr.flags & HDR_F_DATA_VALID);
	if (flags)
		*flags = trusted ? NETDEV_RX_CSUM_OK : 0;
	if (partial && !(flags && tcp_udp))
		vnet_csum_complete(out, total, hdr.csum_start, hdr.csum_offset);
	return (long)total;
}

/* The next frame past any runts (receive_one's flags), 0 when none waits. */
static long receive_frame(struct netdev *dev, void *out, size_t cap,
                          unsigned *flags)
{
	long got;

	while ((got = receive_one(dev->driver, out, cap, flags)) == 0)
		;
	return got == -KEAGAIN ? 0 : got;
}

static long receive_flags(struct netdev *dev, void *out, size_t cap,
                          unsigned *flags)
{
	*flags = 0;
	return receive_frame(dev, out, cap, flags);
}

static long receive(struct netdev *dev, void *out, size_t cap)
{
	return receive_frame(dev, out, cap, 0);
}

static void rx_notify_enable(struct netdev *dev, int enable)
{
	struct vnet *n = dev->driver;

	n->notify_rx = enable;
	virtqueue_interrupts(&n->rx, enable);
	/* Frames that came while notifications were off are news too. */
	if (enable && virtqueue_has_used(&n->rx))
		kirq_defer(&n->work);
}

static void tx_notify_enable(struct netdev *dev, int enable)
{
	struct vnet *n = dev->driver;

	n->notify_tx = enable;
	virtqueue_interrupts(&n->tx, enable);
	/* Slots the device returned before the interrupts were on. */
	if (enable && virtqueue_has_used(&n->tx))
		kirq_defer(&n->work);
}

/* The scheduler polls before it halts (kraft/sched.h): receive interrupts
 * off meanwhile, so the host neither interrupts nor wakes the vCPU for a
 * frame the poll will find. */
static void poll_mode(struct netdev *dev, int polling)
{
	struct vnet *n = dev->driver;

	if (n->notify_rx)
		virtqueue_interrupts(&n->rx, !polling);
}

static bool poll(struct netdev *dev)
{
	struct vnet *n = dev->driver;

	if (!n->notify_rx || !virtqueue_has_used(&n->rx))
		return false;
	kirq_defer(&n->work);
	return true;
}

static const struct netdev_ops vnet_ops = {
    .transmit = transmit,
    .receive = receive,
    .rx_notify_enable = rx_notify_enable,
    .flush = flush,
    .tx_notify_enable = tx_notify_enable,
    .receive_flags = receive_flags,
    .transmit_inplace = transmit_inplace,
    .poll_mode = poll_mode,
    .poll = poll,
};

/* Thread context, after an interrupt. */
static void deferred(struct kirq_work *work)
{
	struct vnet *n = (struct vnet *)((char *)work -
	                                 __builtin_offsetof(struct vnet, work));
	tx_reclaim(n);
	if (n->notify_tx && n->tx_nfree)
		netdev_notify_tx(&n->netdev);
	if (n->notify_rx && virtqueue_has_used(&n->rx))
		netdev_notify_rx(&n->netdev);
}

/* Interrupt context (acknowledged by the core): the rest in thread
 * context. */
static void irq_handler(struct virtio_device *vdev, unsigned isr)
{
	(void)isr;
	kirq_defer(&((struct vnet *)vdev->driver_data)->work);
}

static int buffers_alloc(struct vnet *n)
{
	n->rx_count = n->rx.size;
	n->tx_count = n->tx.size;
	n->pages_order_rx = virtio_page_order((size_t)n->rx_count * BUF_SIZE);
	n->pages_order_tx = virtio_page_order((size_t)n->tx_count * BUF_SIZE);
	n->rx_bufs = kpage_alloc(n->pages_order_rx);
	n->tx_bufs = kpage_alloc(n->pages_order_tx);
	n->tx_free = kcalloc(n->tx_count, sizeof *n->tx_free);
	n->slot_tso = kcalloc(n->tx_count, sizeof *n->slot_tso);
	n->slot_held = kcalloc(n->tx_count, sizeof *n->slot_held);
	if (!n->rx_bufs || !n->tx_bufs || !n->tx_free || !n->slot_tso ||
	    !n->slot_held)
		return -KENOMEM;
	/* The first TSO buffer; the others come when a bulk send needs
	 * them. Without it (memory is short) the device still works, without
	 * TSO: the stack is told by the netdev's features. */
	if (virtio_has_feature(n->vdev, VIRTIO_NET_F_HOST_TSO4))
		tso_grow(n);
	for (unsigned i = 0; i < n->tx_count; i++)
		n->tx_free[n->tx_nfree++] = (uint16_t)(n->tx_count - 1 - i);
	for (unsigned i = 0; i < n->rx_count; i++)
		if (rx_post(n, i))
			return -KENOMEM;
	n->next = devices;
	devices = n;
	return 0;
}

static int probe(struct virtio_device *vdev)
{
	const uint64_t wanted =
	    VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_NET_F_MRG_RXBUF |
	    VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM |
	    (CONFIG_VIRTIO_NET_TSO_BUFFERS ? VIRTIO_NET_F_HOST_TSO4 : 0);
	int err = virtio_negotiate(vdev, wanted);
	if (err)
		return err;
	struct vnet *n = kcalloc(1, sizeof *n);
	if (!n)
		return -KENOMEM;
	n->vdev = vdev;
	vdev->driver_data = n;
	n->work.fn = deferred;
	err = virtqueue_setup(&n->rx, vdev, RXQ, CONFIG_VIRTIO_NET_RING_SIZE);
	if (!err)
		err = virtqueue_setup(&n->tx, vdev, TXQ,
		                      CONFIG_VIRTIO_NET_RING_SIZE);
	if (!err)
		err = buffers_alloc(n);
	if (!err)
		err = virtio_irq_attach(vdev, irq_handler);
	if (err) {
		/* The device is failed; its memory stays (no teardown path). */
		virtio_fail(vdev, "virtio-net: set-up failed", err);
		return err;
	}
	/* The transmit queue interrupts only to return slots, when a stack
	 * waits for them (tx_notify_enable): keep it quiet. */
	virtqueue_interrupts(&n->tx, false);
	virtqueue_interrupts(&n->rx, false);

	struct netdev *nd = &n->netdev;
	if (virtio_has_feature(vdev, VIRTIO_NET_F_MAC))
		virtio_config_read(vdev, CONFIG_MAC, nd->mac, 6);
	else
		kmemcpy(nd->mac, (uint8_t[]){0x02, 0, 0, 0, 0, 1}, 6);
	nd->mtu = 1500;
	nd->features =
	    virtio_has_feature(vdev, VIRTIO_NET_F_CSUM) ? NETDEV_F_CSUM_TX : 0;
	if (nd->features && n->tso_count)
		nd->features |= NETDEV_F_TSO4;
	nd->ops = &vnet_ops;
	nd->driver = n;
	virtio_driver_ok(vdev);
	virtqueue_kick(&n->rx);

	err = netdev_register(nd);
	if (err)
		return err;
	if (virtio_has_feature(vdev, VIRTIO_NET_F_STATUS)) {
		uint16_t status;
		virtio_config_read(vdev, CONFIG_STATUS, &status, sizeof status);
		kinfo("%s: link %s", nd->name,
		      status & VIRTIO_NET_S_LINK_UP ? "up" : "down");
	}
	kinfo("%s: virtio-net at %s, irq %u, features %#lx", nd->name,
	      vdev->where, vdev->irq, (unsigned long)vdev->features);
	return 0;
}

VIRTIO_DRIVER_REGISTER("virtio-net", VIRTIO_ID_NET, probe);
