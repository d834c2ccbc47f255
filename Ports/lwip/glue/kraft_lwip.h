/* The port's glue, between its files: network interfaces on devices. */
#ifndef KRAFT_LWIP_GLUE_H
#define KRAFT_LWIP_GLUE_H

#include "lwip/netif.h"

struct kraft_netif {
	struct netif netif; /* first: lwIP hands back the netif */
	int rx_pending;     /* a receive_all is queued on the tcpip thread */
};

/* netif_add's init function; the netif's state is its struct netdev. */
err_t kraft_netif_init(struct netif *nif);

/* Attaches every kernel network device, configures it from netdev.ip= or
 * DHCP, and waits (a few seconds at most) for DHCP's answers. */
void kraft_netdevs_start(void);

#endif /* KRAFT_LWIP_GLUE_H */
