/*
 * bech32.h -- bech32 / bech32m strings (BIP-173, BIP-350) and the segwit
 * addresses written in them, used by address.c.
 *
 * bech32_decode checks the string and its checksum whatever the human-
 * readable part; segwit_decode adds the witness rules for one network.
 * Errors are the address module's, so a caller can pass them straight on.
 */
#ifndef RISKD_BECH32_H
#define RISKD_BECH32_H

#include <stddef.h>
#include <stdint.h>
#include "riskd/address.h"

/** Longest bech32 string (BIP-173). */
#define BECH32_MAX 90
/** Longest human-readable part: 90 less the separator and checksum. */
#define BECH32_HRP_MAX 83
/** Most 5-bit data values before the checksum: 90 - 1 - 1 - 6. */
#define BECH32_DATA_MAX 82
/** Longest witness program (BIP-141). */
#define SEGWIT_PROGRAM_MAX 40

/** Which checksum constant a string carries. */
enum bech32_variant {
  BECH32_VARIANT_BECH32 = 1,  /**< BIP-173 constant 1: witness version 0 */
  BECH32_VARIANT_BECH32M = 2  /**< BIP-350 constant 0x2bc830a3: 1..16 */
};

/** A bech32 string taken apart. */
struct bech32_string {
  char hrp[BECH32_HRP_MAX + 1];    /**< human-readable part, lower case */
  uint8_t data[BECH32_DATA_MAX];   /**< 5-bit values, checksum removed */
  size_t data_len;                 /**< how many values in `data` */
  enum bech32_variant variant;     /**< which checksum matched */
};

/** A native segwit address taken apart. */
struct segwit_address {
  unsigned version;                      /**< witness version, 0..16 */
  uint8_t program[SEGWIT_PROGRAM_MAX];   /**< witness program */
  size_t program_len;                    /**< its length, 2..40 bytes */
};

/**
 * Decodes `len` bytes of bech32 or bech32m text. Returns ADDR_OK,
 * ADDR_EMPTY, ADDR_BAD_LENGTH (over 90 characters, or under 6 after the
 * separator), ADDR_BAD_CHARSET, ADDR_MIXED_CASE, ADDR_BAD_PREFIX (no
 * separator or empty human-readable part) or ADDR_BAD_CHECKSUM.
 */
enum addr_error bech32_decode (const char *in, size_t len,
                               struct bech32_string *out);

/**
 * Decodes a segwit address whose human-readable part must be `hrp` (lower
 * case: "bc", "ltc"). Adds to bech32_decode's errors: ADDR_BAD_PREFIX (other
 * hrp), ADDR_BAD_VERSION (witness version over 16), ADDR_BAD_CHECKSUM (bech32
 * where bech32m is due or the reverse), ADDR_BAD_LENGTH (program size).
 */
enum addr_error segwit_decode (const char *hrp, const char *in, size_t len,
                               struct segwit_address *out);

#endif
/* end of bech32.h */
