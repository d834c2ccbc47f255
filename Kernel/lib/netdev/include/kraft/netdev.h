/*
 * Network devices: the contract between Ethernet drivers (virtio-net, in
 * Kernel/drivers/) and a network stack (the lwIP port). Drivers register
 * their devices here; the stack finds them by index, never by driver name.
 *
 * Frames are whole Ethernet frames without the FCS. Transmit takes a
 * gather list so a stack can send a chain of buffers without copying them
 * together first; the driver is done with them when transmit returns, so
 * the stack may free or reuse them at once. Transmit only queues: the
 * device is told of a burst of frames once, by flush (telling a device is
 * an exit to the hypervisor, the costliest step of a small frame). Receive
 * copies one frame into the caller's buffer; flush also hands the device
 * back the buffers receive emptied.
 *
 * Threads: every function here runs in thread context, never inside an
 * interrupt handler. A driver's interrupt handler only records that work
 * is waiting; the driver calls netdev_notify_rx() from thread context once
 * the CPU is back (the stack's thread, woken by it, then calls receive), and
 * netdev_notify_tx() when the transmit ring has room again, if asked to.
 *
 * Error contract: 0 or a negative errno (kraft/kerrno.h).
 */
#ifndef KRAFT_NETDEV_H
#define KRAFT_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netdev;

struct netdev_segment {
	const void *data;
	size_t len;
};

/* Offloads a device negotiated, as flags in netdev.features. */
/*
 * CSUM_TX: the stack may leave the TCP/UDP checksum field of a frame unset
 * (any value) and the device fills it; IPv4 fragments and IPv6 frames with
 * extension headers must still carry their own. CSUM_RX: every received
 * frame's TCP/UDP checksum has been checked (virtio-net does not set it:
 * virtio vouches per frame, not per device: NETDEV_RX_CSUM_OK below).
 */
#define NETDEV_F_CSUM_TX (1u << 0)
#define NETDEV_F_CSUM_RX (1u << 1)
/*
 * TSO4 (with CSUM_TX): transmit also takes a TCP/IPv4 frame longer than
 * the MTU, up to NETDEV_TSO_MAX_FRAME bytes, and the device sends it cut
 * into frames of the MTU (each with its own IP and TCP headers: sequence
 * numbers, IP identification, lengths and checksums made by the device;
 * PSH and FIN only on the last). The stack sends such a frame only when
 * the connection's MSS is the whole MTU less the IP and TCP headers, since
 * the device cuts at the MTU.
 */
#define NETDEV_F_TSO4        (1u << 2)
#define NETDEV_TSO_MAX_FRAME 65000u

/* What a device vouches for one received frame (receive_flags). */
/*
 * RX_CSUM_OK: the frame's TCP or UDP checksum needs no check. The device
 * checked it (virtio's DATA_VALID), or it was never computed because the
 * frame never left the host's memory (virtio's NEEDS_CSUM): then the
 * checksum field holds only the pseudo-header's sum, so the frame is for
 * this stack to consume, not to pass on as it is. Never set for an IP
 * fragment's checksum, which spans frames.
 */
#define NETDEV_RX_CSUM_OK (1u << 0)

struct netdev_ops {
	/* Queues one frame made of nsegs segments, sent at the next flush;
	 * -KEAGAIN when the transmit ring is full (the caller flushes, then
	 * retries after netdev_notify_tx); -KEMSGSIZE for a frame longer than
	 * the MTU allows (a TSO4 frame: longer than NETDEV_TSO_MAX_FRAME, or
	 * not TCP/IPv4). */
	int (*transmit)(struct netdev *dev, const struct netdev_segment *segs,
	                unsigned nsegs);
	/* Copies the next received frame into buf: its length, 0 when none
	 * is waiting, -KEMSGSIZE when it is longer than cap (it is dropped). */
	long (*receive)(struct netdev *dev, void *buf, size_t cap);
	/* Asks for (or stops) receive notifications through
	 * netdev_notify_rx; a stack that polls leaves them off. */
	void (*rx_notify_enable)(struct netdev *dev, int enable);
	/* Tells the device of every frame queued since the last flush (one
	 * notification, none when it said it is busy) and gives it back the
	 * receive buffers emptied since. */
	void (*flush)(struct netdev *dev);
	/* Asks for (or stops) one netdev_notify_tx once transmit has room
	 * again: a stack facing a full ring sleeps until then. */
	void (*tx_notify_enable)(struct netdev *dev, int enable);
	/* Optional: receive, and *flags (NETDEV_RX_*) says what the device
	 * vouches for the frame, so a stack that trusts it skips the work
	 * (receive itself hands over frames as they are on the wire). */
	long (*receive_flags)(struct netdev *dev, void *buf, size_t cap,
	                      unsigned *flags);
	/* Optional: transmit, except that the device may read the segments
	 * where they are instead of copying them (a large frame, where the
	 * copy is the costliest step). 1: the memory is the device's until
	 * the driver calls netdev_tx_done(dev, cookie), so the stack must keep
	 * it alive and unchanged until then; 0: it was copied (transmit's
	 * contract); or transmit's errors. */
	int (*transmit_inplace)(struct netdev *dev,
	                        const struct netdev_segment *segs,
	                        unsigned nsegs, void *cookie);
	/* Optional, for the scheduler's polling before it halts (kraft/
	 * sched.h): poll_mode(dev, 1) stops the receive interrupts the stack
	 * asked for while polling lasts, poll_mode(dev, 0) restores them;
	 * poll(dev) is true when frames wait and the stack asked to hear of
	 * them, and queues that news (netdev_notify_rx from thread context)
	 * as the interrupt would have. Both with interrupts off. */
	void (*poll_mode)(struct netdev *dev, int polling);
	bool (*poll)(struct netdev *dev);
};

struct netdev {
	char name[8]; /* "eth0", ... assigned at registration */
	uint8_t mac[6];
	uint16_t mtu; /* payload bytes, without the Ethernet header */
	unsigned features;
	const struct netdev_ops *ops;
	void *driver; /* the driver's own state */
	/* Set by the stack: called by netdev_notify_rx. */
	void (*on_rx)(struct netdev *dev, void *ctx);
	void *on_rx_ctx;
	/* Set by the stack: called by netdev_notify_tx. */
	void (*on_tx)(struct netdev *dev, void *ctx);
	void *on_tx_ctx;
	/* Set by the stack that uses transmit_inplace: called by
	 * netdev_tx_done with the frame's cookie. */
	void (*on_tx_done)(struct netdev *dev, void *cookie);
};

/* Adds dev and names it eth<N>; -KENOSPC when the table is full. */
int netdev_register(struct netdev *dev);
unsigned netdev_count(void);
/* The index-th registered device, or NULL. */
struct netdev *netdev_get(unsigned index);
/* Called by a driver (in thread context) when frames are waiting. */
void netdev_notify_rx(struct netdev *dev);
/* Called by a driver (in thread context) when transmit has room again. */
void netdev_notify_tx(struct netdev *dev);
/* Called by a driver (in thread context, never from inside an allocation)
 * when the device is done with a frame transmit_inplace kept. */
void netdev_tx_done(struct netdev *dev, void *cookie);

#endif /* KRAFT_NETDEV_H */
