/*
 * zlib inside a kraft unikernel: compresses a repetitive text, decompresses it
 * and compares, then checks adler32 and crc32 of "123456789" against their
 * published check values. Used by the port's boot test
 * (Tests/KraftBootTests/PortOpenSSLBootTests.swift), which swaps it in as the
 * application of a project that lists zlib.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(void)
{
	static const char text[] =
	    "kraft kraft kraft kraft kraft kraft kraft kraft kraft kraft";
	unsigned char packed[256], unpacked[256];
	uLongf packed_length = sizeof packed, unpacked_length = sizeof unpacked;
	int round_trip = compress(packed, &packed_length, (const Bytef *)text,
	                          sizeof text - 1) == Z_OK &&
	                 uncompress(unpacked, &unpacked_length, packed,
	                            packed_length) == Z_OK &&
	                 unpacked_length == sizeof text - 1 &&
	                 memcmp(unpacked, text, unpacked_length) == 0 &&
	                 packed_length < unpacked_length;
	const Bytef *check = (const Bytef *)"123456789";
	unsigned long adler = adler32(adler32(0, Z_NULL, 0), check, 9);
	unsigned long crc = crc32(crc32(0, Z_NULL, 0), check, 9);
	printf("zlib %s: %zu -> %lu bytes, round trip %s\n", zlibVersion(),
	       sizeof text - 1, (unsigned long)packed_length,
	       round_trip ? "ok" : "FAILED");
	printf("adler32=%08lx crc32=%08lx\n", adler, crc);
	return round_trip && adler == 0x091e01deUL && crc == 0xcbf43926UL ? 0
	                                                                  : 1;
}
