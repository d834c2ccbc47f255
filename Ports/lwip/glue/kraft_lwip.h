/* The port's glue, between its files: network interfaces on devices. */
#ifndef KRAFT_LWIP_GLUE_H
#define KRAFT_LWIP_GLUE_H

#include <stdint.h>
#include <kraft/sched.h>

#include "lwip/netif.h"
#include "lwip/tcpip.h"

struct kraft_netif {
	struct netif netif; /* first: lwIP hands back the netif */
	int rx_pending;     /* rx_msg is queued on the tcpip thread */
	/* When to queue rx_msg again (monotonic ns; 0: no retry owed): a
	 * receive that found no memory, or a full tcpip mailbox, must not
	 * lose the device's wake-up, which will not come twice. */
	uint64_t rx_retry_at;
	struct tcpip_callback_msg *rx_msg; /* receive_all, preallocated */
	struct wait_queue tx_room;         /* linkoutput waiting for the ring */
	struct kraft_netif *next;          /* every device's netif */
};

/* netif_add's init function; the netif's state is its struct netdev. */
err_t kraft_netif_init(struct netif *nif);

/* Hands every device the frames queued since the last flush (one
 * notification per burst) and queues the receives owed a retry; run as
 * deferred work after releases of the core lock (core_lock.c). */
void kraft_netifs_flush(void);

/* Attaches every kernel network device, configures it from netdev.ip= or
 * DHCP, and waits (a few seconds at most) for DHCP's answers. */
void kraft_netdevs_start(void);

#endif /* KRAFT_LWIP_GLUE_H */
