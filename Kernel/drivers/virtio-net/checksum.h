/* Internet checksums for virtio-net's checksum offload (checksum.c). */
#ifndef VIRTIO_NET_CHECKSUM_H
#define VIRTIO_NET_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ones'-complement sum of n bytes (big-endian words) added to sum. */
uint32_t vnet_sum(const uint8_t *p, size_t n, uint32_t sum);
/* Folds a sum to 16 bits (not complemented). */
uint16_t vnet_fold(uint32_t sum);

/*
 * Prepares an Ethernet frame's TCP or UDP checksum for the device to finish
 * (virtio's NEEDS_CSUM): writes the pseudo-header sum into the checksum
 * field and gives where the sum starts and where the field is, relative to
 * that start. false for frames it cannot offload: not IPv4/IPv6, not TCP or
 * UDP, IPv4 fragments, IPv6 extension headers, or truncated headers.
 */
bool vnet_csum_partial(uint8_t *frame, size_t len, uint16_t *start,
                       uint16_t *offset);

/* Completes a partial checksum (received with NEEDS_CSUM) in place. */
void vnet_csum_complete(uint8_t *frame, size_t len, unsigned start,
                        unsigned offset);

#endif /* VIRTIO_NET_CHECKSUM_H */
