/*
 * Ethernet through the netdev API, against QEMU user networking (slirp):
 * the guest is 10.0.2.15, the gateway 10.0.2.2 answers ARP and ping. The
 * main thread sleeps on a semaphore that the driver's receive notification
 * raises, so a reply that arrives only through the device interrupt is what
 * wakes it; a watchdog thread ends the wait after a few seconds.
 */
#include <stdio.h>
#include <string.h>
#include <kraft/ktime.h>
#include <kraft/netdev.h>
#include <kraft/sched.h>

#define WAIT_NS 10000000000ULL

static const uint8_t guest_ip[4] = {10, 0, 2, 15};
static const uint8_t gateway_ip[4] = {10, 0, 2, 2};
static struct ksem rx_ready;
static volatile int notifications, timed_out;
static int failures;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

static void on_rx(struct netdev *dev, void *ctx)
{
	(void)dev;
	(void)ctx;
	notifications++;
	ksem_up(&rx_ready);
}

static void *watchdog(void *arg)
{
	(void)arg;
	sched_sleep_ns(WAIT_NS);
	timed_out = 1;
	ksem_up(&rx_ready);
	return 0;
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Queues the frame, then tells the device (transmit only queues). */
static int send_frame(struct netdev *dev, const struct netdev_segment *segs,
                      unsigned n)
{
	int r = dev->ops->transmit(dev, segs, n);
	if (!r && dev->ops->flush)
		dev->ops->flush(dev);
	return r;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * Writes Ethernet and IPv4 headers (from the guest to dst_ip, through
 * dst_mac) for l4_len bytes of protocol proto; returns where those go.
 */
static uint8_t *ipv4_frame(uint8_t *f, const struct netdev *dev,
                           const uint8_t *dst_mac, unsigned proto,
                           const uint8_t *dst_ip, unsigned l4_len)
{
	uint8_t *ip = f + 14;

	memset(f, 0, 14 + 20 + l4_len);
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, dev->mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 20 + l4_len);
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	memcpy(ip + 12, guest_ip, 4);
	memcpy(ip + 16, dst_ip, 4);
	put16(ip + 10, ip_checksum(ip, 20));
	return ip + 20;
}

/*
 * Waits for a frame that match() accepts; its length, or 0 on timeout. It
 * blocks before looking, so only a receive notification (or the watchdog)
 * lets it look at all: the reply may well be in the ring already, but the
 * device interrupt has to say so.
 */
static long wait_frame(struct netdev *dev, uint8_t *buf, size_t cap,
                       int (*match)(const uint8_t *, long))
{
	while (!timed_out) {
		ksem_down(&rx_ready);
		long len;
		while (!timed_out &&
		       (len = dev->ops->receive(dev, buf, cap)) != 0)
			if (len > 0 && match(buf, len))
				return len;
	}
	return 0;
}

static int is_arp_reply(const uint8_t *f, long len)
{
	return len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
	       !memcmp(f + 28, gateway_ip, 4) && !memcmp(f + 38, guest_ip, 4);
}

static int is_echo_reply(const uint8_t *f, long len)
{
	return len >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1 &&
	       !memcmp(f + 26, gateway_ip, 4) && f[34] == 0 && f[38] == 0x4b &&
	       f[39] == 0x46;
}

/*
 * A UDP datagram to 10.0.3.2:9 through the gateway with its checksum left
 * as garbage (0xdead) and the frame in two segments: with NETDEV_F_CSUM_TX
 * the device must fill it. Only for a host that routes 10.0.3.2 itself
 * (the boot test's own namespace), never under user networking.
 */
static void send_udp(struct netdev *dev, const uint8_t *gateway_mac)
{
	static const uint8_t target_ip[4] = {10, 0, 3, 2};
	uint8_t u[14 + 20 + 8 + 23];
	uint8_t *udp = ipv4_frame(u, dev, gateway_mac, 17, target_ip, 8 + 23);
	put16(udp, 40000);
	put16(udp + 2, 9);
	put16(udp + 4, 8 + 23);
	put16(udp + 6, 0xdead);
	for (int i = 0; i < 23; i++)
		udp[8 + i] = (uint8_t)(i * 11);
	struct netdev_segment segs[] = {{u, 30}, {u + 30, sizeof u - 30}};
	check(dev->features & NETDEV_F_CSUM_TX, "device fills checksums");
	check(send_frame(dev, segs, 2) == 0, "udp sent");
	/* The device takes the frame asynchronously: give it time before
	 * the VM ends. */
	sched_sleep_ns(300000000);
}

int main(int argc, char **argv)
{
	static uint8_t frame[1600];
	struct netdev *dev = netdev_get(0);

	check(netdev_count() >= 1 && dev, "netdev registered");
	if (!dev)
		return 1;
	check(!strcmp(dev->name, "eth0"), "first device is eth0");
	printf("eth0 mac %02x:%02x:%02x:%02x:%02x:%02x\n", dev->mac[0],
	       dev->mac[1], dev->mac[2], dev->mac[3], dev->mac[4], dev->mac[5]);

	ksem_init(&rx_ready, 0);
	dev->on_rx = on_rx;
	dev->ops->rx_notify_enable(dev, 1);
	struct thread *dog;
	sched_thread_create(&dog, "watchdog", watchdog, 0);
	sched_thread_detach(dog);

	/* ARP who-has 10.0.2.2, as two segments: Ethernet header, ARP body. */
	uint8_t eth[14], arp[28];
	memset(eth, 0xff, 6);
	memcpy(eth + 6, dev->mac, 6);
	put16(eth + 12, 0x0806);
	put16(arp, 1);
	put16(arp + 2, 0x0800);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 1);
	memcpy(arp + 8, dev->mac, 6);
	memcpy(arp + 14, guest_ip, 4);
	memset(arp + 18, 0, 6);
	memcpy(arp + 24, gateway_ip, 4);
	struct netdev_segment segs[] = {{eth, sizeof eth}, {arp, sizeof arp}};
	check(send_frame(dev, segs, 2) == 0, "arp request sent");
	long len = wait_frame(dev, frame, sizeof frame, is_arp_reply);
	check(len > 0, "arp reply from 10.0.2.2");
	if (len <= 0)
		return 1;
	uint8_t gateway_mac[6];
	memcpy(gateway_mac, frame + 22, 6);

	/* ICMP echo request, id 0x4b46 ("KF"), 32 bytes of payload. */
	uint8_t ping[14 + 20 + 8 + 32];
	uint8_t *icmp =
	    ipv4_frame(ping, dev, gateway_mac, 1, gateway_ip, 8 + 32);
	icmp[0] = 8;
	put16(icmp + 4, 0x4b46);
	put16(icmp + 6, 1);
	for (int i = 0; i < 32; i++)
		icmp[8 + i] = (uint8_t)('a' + i % 26);
	put16(icmp + 2, ip_checksum(icmp, 40));
	struct netdev_segment one[] = {{ping, sizeof ping}};
	check(send_frame(dev, one, 1) == 0, "icmp echo sent");
	len = wait_frame(dev, frame, sizeof frame, is_echo_reply);
	check(len > 0, "icmp echo reply from 10.0.2.2");
	check(len > 0 && !memcmp(frame + 42, icmp + 8, 32),
	      "echo payload came back unchanged");
	check(notifications > 0, "woken by receive notifications");
	if (argc > 1 && !strcmp(argv[1], "udp-to-10.0.3.2"))
		send_udp(dev, gateway_mac);

	printf("%d notifications, %s\n", notifications,
	       failures ? "failed" : "all passed");
	return failures ? 1 : 0;
}
