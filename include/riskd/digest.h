/*
 * digest.h -- the two hash functions address checksums need.
 *
 * SHA-256 (base58check, API key hashes) and Keccak-256 as Ethereum uses it
 * (original Keccak padding, not SHA3-256) for EIP-55.
 */
#ifndef RISKD_DIGEST_H
#define RISKD_DIGEST_H

#include <stddef.h>
#include <stdint.h>

void sha256 (const void *data, size_t len, uint8_t out[32]);
void keccak256 (const void *data, size_t len, uint8_t out[32]);

#endif
/* end of digest.h */
