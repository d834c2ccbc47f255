/*
 * Sockets through virtio-net and QEMU user networking. Arguments: the
 * host's UDP and TCP echo ports (reached as 10.0.2.2:<port>) and the
 * address the interface should have. Prints
 * "PASS <name>" or "FAIL <name>: <why>" per check; exits with the number of
 * failures.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, name, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s: ", name);                             \
			printf(__VA_ARGS__);                                   \
			printf(" (errno %d %s)\n", errno, strerror(errno));    \
			failures++;                                            \
			return;                                                \
		}                                                              \
	} while (0)

static struct sockaddr_in gateway(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "10.0.2.2", &a.sin_addr);
	return a;
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, ms) == 1;
}

/* The interface's address (from QEMU's DHCP server, or netdev.ip=), seen as
 * the local name of a TCP connection to the gateway, and the resolver
 * configuration written from DHCP's answer or netdev.ip's DNS server. */
static void check_address(int port, const char *expected)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in g = gateway(port), me;
	socklen_t len = sizeof(me);
	CHECK(!connect(s, (struct sockaddr *)&g, sizeof(g)) &&
	          !getsockname(s, (struct sockaddr *)&me, &len),
	      "address", "local address");
	close(s);
	char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &me.sin_addr, text, sizeof(text));
	CHECK(!strcmp(text, expected), "address", "address %s", text);
	printf("PASS address %s\n", text);

	char conf[256] = {0};
	FILE *f = fopen("/etc/resolv.conf", "r");
	CHECK(f, "resolv.conf", "open");
	fread(conf, 1, sizeof(conf) - 1, f);
	fclose(f);
	CHECK(strstr(conf, "nameserver 10.0.2.3"), "resolv.conf", "content: %s",
	      conf);
	printf("PASS resolv.conf names QEMU's DNS 10.0.2.3\n");
}

static unsigned short checksum(const void *data, size_t n)
{
	const unsigned char *p = data;
	unsigned long sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (unsigned)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (unsigned)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((unsigned short)~sum);
}

static void check_ping(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	CHECK(s >= 0, "ping", "raw socket");
	struct {
		struct icmphdr h;
		char payload[16];
	} echo = {0};
	echo.h.type = ICMP_ECHO;
	echo.h.un.echo.id = htons(0x4b52);
	echo.h.un.echo.sequence = htons(1);
	memcpy(echo.payload, "kraft lwip ping", 16);
	echo.h.checksum = checksum(&echo, sizeof(echo));
	struct sockaddr_in g = gateway(0);
	CHECK(sendto(s, &echo, sizeof(echo), 0, (struct sockaddr *)&g,
	             sizeof(g)) == sizeof(echo),
	      "ping", "send");
	/* A raw socket receives the whole IP datagram. */
	for (int tries = 0; tries < 10; tries++) {
		unsigned char buf[256];
		CHECK(wait_readable(s, 3000), "ping", "no reply");
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		CHECK(n > 20, "ping", "recv %zd", n);
		size_t ihl = (buf[0] & 15) * 4u;
		struct icmphdr *r = (struct icmphdr *)(buf + ihl);
		if (r->type != ICMP_ECHOREPLY)
			continue;
		CHECK(!memcmp(buf + ihl + sizeof(*r), "kraft lwip ping", 16),
		      "ping", "payload");
		close(s);
		printf("PASS icmp echo reply from 10.0.2.2\n");
		return;
	}
	CHECK(0, "ping", "no echo reply among the answers");
}

static void check_udp(int port)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in g = gateway(port);
	const char msg[] = "udp through virtio-net";
	CHECK(sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&g,
	             sizeof(g)) == sizeof(msg),
	      "udp", "send");
	char buf[64];
	CHECK(wait_readable(s, 5000), "udp", "no echo");
	CHECK(recv(s, buf, sizeof(buf), 0) == sizeof(msg) &&
	          !memcmp(buf, msg, sizeof(msg)),
	      "udp", "echo content");
	close(s);
	printf("PASS udp echo through the host\n");
}

static void check_tcp(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in g = gateway(port);
	CHECK(!connect(s, (struct sockaddr *)&g, sizeof(g)), "tcp", "connect");
	static char out[256 * 1024], in[sizeof(out)];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 13 + 7);
	size_t sent = 0, got = 0;
	while (got < sizeof(in)) {
		if (sent < sizeof(out)) {
			ssize_t w = send(s, out + sent,
			                 sizeof(out) - sent > 16384
			                     ? 16384
			                     : sizeof(out) - sent,
			                 MSG_DONTWAIT);
			if (w > 0)
				sent += (size_t)w;
		}
		if (!wait_readable(s, sent < sizeof(out) ? 10 : 5000) &&
		    sent == sizeof(out))
			break;
		ssize_t r = recv(s, in + got, sizeof(in) - got, MSG_DONTWAIT);
		if (r > 0)
			got += (size_t)r;
		else if (r == 0)
			break;
	}
	close(s);
	CHECK(got == sizeof(in) && !memcmp(in, out, sizeof(in)), "tcp",
	      "echoed %zu of %zu bytes", got, sizeof(in));
	printf("PASS tcp echo through the host %zu bytes\n", got);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	if (argc != 4) {
		printf("usage: net-qemu-user UDP-PORT TCP-PORT "
		       "EXPECTED-ADDRESS\n");
		return 2;
	}
	check_address(atoi(argv[2]), argv[3]);
	check_ping();
	check_udp(atoi(argv[1]));
	check_tcp(atoi(argv[2]));
	printf("net-qemu-user: %d failures\n", failures);
	return failures;
}
