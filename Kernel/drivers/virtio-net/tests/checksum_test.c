/*
 * Checksum offload: a frame prepared by vnet_csum_partial and finished the
 * way the device finishes it (virtio 1.x 5.1.6.2: sum from csum_start to the
 * end, complement, store at csum_start + csum_offset) must carry the same
 * TCP/UDP checksum as one computed whole, by a plain reference here.
 */
#include <kraft/ktest.h>
#include "../checksum.h"

static uint16_t reference(const uint8_t *pseudo, size_t plen, const uint8_t *l4,
                          size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < plen; i += 2)
		sum += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(l4[i] << 8 | (i + 1 < len ? l4[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* As the device does it. */
static void device_finish(uint8_t *frame, size_t len, unsigned start,
                          unsigned offset)
{
	vnet_csum_complete(frame, len, start, offset);
}

static size_t udp4_frame(uint8_t *f, unsigned payload)
{
	static const uint8_t head[] = {
	    /* Ethernet */
	    0x52, 0x54, 0, 0x12, 0x34, 0x56, 0x52, 0x54, 0, 0x12, 0x34, 0x57,
	    0x08, 0x00,
	    /* IPv4, 20 bytes, UDP, 10.0.2.15 -> 10.0.2.2 */
	    0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 2, 15, 10, 0, 2,
	    2,
	    /* UDP 40000 -> 53, length, checksum left as garbage */
	    0x9c, 0x40, 0, 53, 0, 0, 0xde, 0xad};
	kmemcpy(f, head, sizeof head);
	unsigned udp_len = 8 + payload;
	f[16] = (uint8_t)((20 + udp_len) >> 8);
	f[17] = (uint8_t)(20 + udp_len);
	f[38] = (uint8_t)(udp_len >> 8);
	f[39] = (uint8_t)udp_len;
	for (unsigned i = 0; i < payload; i++)
		f[42 + i] = (uint8_t)(i * 7 + 1);
	return 42 + payload;
}

KTEST(vnet_csum, udp_over_ipv4_matches_a_whole_checksum)
{
	uint8_t f[128];
	uint16_t start, offset;
	for (unsigned payload = 0; payload < 40; payload += 13) {
		size_t len = udp4_frame(f, payload);
		KT_ASSERT(kt, vnet_csum_partial(f, len, &start, &offset));
		KT_EXPECT_EQ(kt, start, 34);
		KT_EXPECT_EQ(kt, offset, 6);
		device_finish(f, len, start, offset);
		uint16_t got = (uint16_t)(f[40] << 8 | f[41]);

		uint8_t pseudo[12] = {10, 0, 2, 15, 10,    0,
		                      2,  2, 0, 17, f[38], f[39]};
		f[40] = f[41] = 0;
		KT_EXPECT_EQ(
		    kt, got,
		    reference(pseudo, sizeof pseudo, f + 34, len - 34));
	}
}

KTEST(vnet_csum, tcp_over_ipv6_matches_a_whole_checksum)
{
	uint8_t f[14 + 40 + 20 + 5] = {0};
	f[12] = 0x86;
	f[13] = 0xdd;
	uint8_t *ip = f + 14, *tcp = ip + 40;
	ip[0] = 0x60;
	ip[5] = 25; /* payload length */
	ip[6] = 6;  /* next header: TCP */
	ip[7] = 64;
	for (int i = 0; i < 32; i++)
		ip[8 + i] = (uint8_t)(0xf0 + i);
	tcp[12] = 0x50;
	tcp[16] = 0x12; /* garbage checksum */
	for (int i = 0; i < 5; i++)
		tcp[20 + i] = (uint8_t)('a' + i);
	uint16_t start, offset;

	KT_ASSERT(kt, vnet_csum_partial(f, sizeof f, &start, &offset));
	KT_EXPECT_EQ(kt, start, 54);
	KT_EXPECT_EQ(kt, offset, 16);
	device_finish(f, sizeof f, start, offset);
	uint16_t got = (uint16_t)(tcp[16] << 8 | tcp[17]);
	uint8_t pseudo[40] = {0};
	kmemcpy(pseudo, ip + 8, 32);
	pseudo[35] = 25;
	pseudo[39] = 6;
	tcp[16] = tcp[17] = 0;
	KT_EXPECT_EQ(kt, got, reference(pseudo, sizeof pseudo, tcp, 25));
}

KTEST(vnet_csum, fragments_and_other_protocols_are_not_offloaded)
{
	uint8_t f[128];
	uint16_t start, offset;
	size_t len = udp4_frame(f, 8);
	f[20] = 0x20; /* more fragments */
	KT_EXPECT(kt, !vnet_csum_partial(f, len, &start, &offset));
	len = udp4_frame(f, 8);
	f[23] = 1; /* ICMP */
	KT_EXPECT(kt, !vnet_csum_partial(f, len, &start, &offset));
	len = udp4_frame(f, 8);
	f[12] = 0x08;
	f[13] = 0x06; /* ARP */
	KT_EXPECT(kt, !vnet_csum_partial(f, len, &start, &offset));
}
