/*
 * Bringing the kernel's network devices up at boot (CONFIG_LWIP_UKNETDEV):
 * one lwIP interface per device, in registration order; the first is the
 * default route. The first device takes its IPv4 configuration from the
 * kernel command line as Unikraft's netdev.ip does:
 *
 *   netdev.ip=<addr>/<prefix>[:<gateway>[:<dns0>[:<dns1>]]]
 *
 * and every other device (or the first, without netdev.ip) asks DHCP when
 * CONFIG_LWIP_DHCP is set. IPv6 link-local addresses and stateless
 * autoconfiguration are on for every device.
 */
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/ktime.h>
#include <kraft/kstring.h>
#include <kraft/netdev.h>
#include <kraft/print.h>
#include <kraft/sched.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "kraft_lwip.h"

#define DHCP_WAIT_NS (5 * KTIME_NS_PER_SEC)

struct static_config {
	ip4_addr_t addr, mask, gateway;
	ip_addr_t dns[2];
	int ndns;
};

/* The next ':'-separated field of *rest into buf; 0 when none is left. */
static int next_field(const char **rest, char *buf, size_t size)
{
	const char *s = *rest;
	if (!s || !*s)
		return 0;
	size_t n = 0;
	while (s[n] && s[n] != ':')
		n++;
	if (n >= size)
		n = size - 1;
	kmemcpy(buf, s, n);
	buf[n] = 0;
	*rest = s[n] == ':' ? s + n + 1 : s + n;
	return 1;
}

static int parse_ip(const char *text, struct static_config *c)
{
	char field[48];
	const char *rest = text;
	if (!next_field(&rest, field, sizeof(field)))
		return -1;
	char *slash = 0;
	for (char *p = field; *p; p++)
		if (*p == '/')
			slash = p;
	unsigned prefix = 24;
	if (slash) {
		*slash = 0;
		prefix = 0;
		for (char *p = slash + 1; *p; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			prefix = prefix * 10 + (unsigned)(*p - '0');
		}
		if (prefix > 32)
			return -1;
	}
	if (!ip4addr_aton(field, &c->addr))
		return -1;
	ip4_addr_set_u32(&c->mask,
	                 prefix ? lwip_htonl(0xffffffffu << (32 - prefix)) : 0);
	ip4_addr_set_zero(&c->gateway);
	if (next_field(&rest, field, sizeof(field)) && *field &&
	    !ip4addr_aton(field, &c->gateway))
		return -1;
	c->ndns = 0;
	while (c->ndns < 2 && next_field(&rest, field, sizeof(field))) {
		if (!*field)
			continue;
		if (!ipaddr_aton(field, &c->dns[c->ndns]))
			return -1;
		c->ndns++;
	}
	return 0;
}

static struct netif *attach(struct netdev *dev, const struct static_config *c)
{
	struct kraft_netif *k = kcalloc(1, sizeof(*k));
	if (!k)
		return 0;
	struct netif *nif = &k->netif;
	ip4_addr_t none;
	ip4_addr_set_zero(&none);
	LOCK_TCPIP_CORE();
	if (!netif_add(nif, c ? &c->addr : &none, c ? &c->mask : &none,
	               c ? &c->gateway : &none, dev, kraft_netif_init,
	               netif_input)) { /* input runs on the tcpip thread */
		UNLOCK_TCPIP_CORE();
		kfree(k);
		return 0;
	}
#if LWIP_IPV6
	netif_create_ip6_linklocal_address(nif, 1);
	netif_set_ip6_autoconfig_enabled(nif, 1);
#endif
	netif_set_up(nif);
	netif_set_link_up(nif);
#if LWIP_DNS
	for (int i = 0; c && i < c->ndns; i++)
		dns_setserver((u8_t)i, &c->dns[i]);
#endif
#if LWIP_DHCP
	if (!c)
		dhcp_start(nif);
#endif
	UNLOCK_TCPIP_CORE();
	return nif;
}

void kraft_netdevs_start(void)
{
	struct static_config config;
	const char *ip = kcore_param("netdev.ip");
	if (ip && parse_ip(ip, &config)) {
		kwarn("lwip: ignoring netdev.ip=%s (expected "
		      "<addr>/<prefix>:<gateway>:<dns0>:<dns1>)",
		      ip);
		ip = 0;
	}
	int dhcp = 0;
	for (unsigned i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		struct netif *nif = attach(dev, i == 0 && ip ? &config : 0);
		if (!nif) {
			kwarn("lwip: cannot attach %s", dev->name);
			continue;
		}
		if (i == 0)
			netif_set_default(nif);
		dhcp |= !(i == 0 && ip);
	}
#if LWIP_DHCP
	uint64_t deadline = ktime_monotonic_ns() + DHCP_WAIT_NS;
	while (dhcp && ktime_monotonic_ns() < deadline) {
		int waiting = 0;
		LOCK_TCPIP_CORE();
		struct netif *nif;
		NETIF_FOREACH(nif)
		if (netif_dhcp_data(nif) && !dhcp_supplied_address(nif))
			waiting = 1;
		UNLOCK_TCPIP_CORE();
		if (!waiting)
			break;
		sched_sleep_ns(10 * KTIME_NS_PER_MS);
	}
#endif
	struct netif *nif;
	NETIF_FOREACH(nif)
	{
		char addr[IP4ADDR_STRLEN_MAX];
		kinfo("lwip: %c%c%u %s", nif->name[0], nif->name[1], nif->num,
		      ip4addr_ntoa_r(netif_ip4_addr(nif), addr, sizeof(addr)));
	}
}
