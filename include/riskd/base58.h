/*
 * base58.h -- base58 and base58check decoding (Bitcoin, Litecoin, Tron,
 * Ripple), used by address.c.
 *
 * The alphabet is a parameter because Ripple permutes Bitcoin's. Errors are
 * the address module's, so a caller can pass them straight on.
 */
#ifndef RISKD_BASE58_H
#define RISKD_BASE58_H

#include <stddef.h>
#include <stdint.h>
#include "riskd/address.h"

/** Bitcoin's alphabet (also Litecoin's and Tron's): no 0, O, I, l. */
#define BASE58_BITCOIN_ALPHABET \
  "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
/** Ripple's alphabet: the same 58 characters in another order ('r' is 0). */
#define BASE58_RIPPLE_ALPHABET \
  "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"

/**
 * Decodes `len` characters of base58 in `alphabet` (58 characters) into
 * `out` (room for `out_max` bytes), setting `*out_len`. Each leading
 * alphabet[0] character is one leading zero byte.
 * Returns ADDR_OK, ADDR_EMPTY, ADDR_BAD_LENGTH (more than ADDRESS_MAX
 * characters, or more than `out_max` bytes) or ADDR_BAD_CHARSET.
 */
enum addr_error base58_decode (const char *alphabet, const char *in,
                               size_t len, uint8_t *out, size_t out_max,
                               size_t *out_len);

/**
 * As base58_decode, for text that must hold exactly `payload_len` bytes
 * followed by their 4-byte checksum (the first four bytes of
 * SHA-256(SHA-256(payload))), which is checked and stripped. Adds
 * ADDR_BAD_LENGTH (another size) and ADDR_BAD_CHECKSUM to its errors.
 */
enum addr_error base58check_decode (const char *alphabet, const char *in,
                                    size_t len, uint8_t *payload,
                                    size_t payload_len);

#endif
/* end of base58.h */
