/*
 * The Internet checksum (RFC 1071) as virtio-net's offload needs it. On
 * transmit the driver finds the TCP/UDP header of its own copy of the frame
 * and seeds the checksum field with the pseudo-header sum, so the device
 * sums from the transport header on (the Linux CHECKSUM_PARTIAL contract
 * virtio follows). On receive a frame marked NEEDS_CSUM carries that same
 * partial state, and the driver finishes it before the stack sees the frame.
 */
#include "checksum.h"

#define ETH_HLEN       14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPPROTO_TCP    6
#define IPPROTO_UDP    17
#define TCP_CSUM_OFF   16
#define UDP_CSUM_OFF   6

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

uint32_t vnet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	uint64_t s = sum;
	for (; n >= 2; p += 2, n -= 2)
		s += be16(p);
	if (n)
		s += (unsigned)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t vnet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

bool vnet_csum_partial(uint8_t *frame, size_t len, uint16_t *start,
                       uint16_t *offset)
{
	if (len < ETH_HLEN)
		return false;
	unsigned type = be16(frame + 12), l3 = ETH_HLEN, l4, proto, l4len;
	uint32_t sum;

	if (type == ETHERTYPE_IPV4) {
		if (len < l3 + 20)
			return false;
		unsigned ihl = (frame[l3] & 0xfu) * 4;
		if (be16(frame + l3 + 6) & 0x3fff)
			return false; /* a fragment: the sum spans others */
		proto = frame[l3 + 9];
		l4 = l3 + ihl;
		l4len = be16(frame + l3 + 2) - ihl;
		sum = vnet_sum(frame + l3 + 12, 8, 0);
	} else if (type == ETHERTYPE_IPV6) {
		if (len < l3 + 40)
			return false;
		proto = frame[l3 + 6];
		l4 = l3 + 40;
		l4len = be16(frame + l3 + 4);
		sum = vnet_sum(frame + l3 + 8, 32, 0);
	} else {
		return false;
	}
	unsigned field = proto == IPPROTO_TCP   ? TCP_CSUM_OFF
	                 : proto == IPPROTO_UDP ? UDP_CSUM_OFF
	                                        : 0;
	if (!field || l4 + field + 2 > len || l4 + l4len > len)
		return false;
	sum += proto + l4len;
	uint16_t seed = vnet_fold(sum);
	frame[l4 + field] = (uint8_t)(seed >> 8);
	frame[l4 + field + 1] = (uint8_t)seed;
	*start = (uint16_t)l4;
	*offset = (uint16_t)field;
	return true;
}

void vnet_csum_complete(uint8_t *frame, size_t len, unsigned start,
                        unsigned offset)
{
	if (start + offset + 2 > len)
		return;
	uint16_t sum =
	    (uint16_t)~vnet_fold(vnet_sum(frame + start, len - start, 0));
	frame[start + offset] = (uint8_t)(sum >> 8);
	frame[start + offset + 1] = (uint8_t)sum;
}
