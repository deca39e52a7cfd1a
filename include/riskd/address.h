/*
 * address.h -- validation and canonical form of addresses and tx hashes.
 *
 * Every address that enters riskd (imports, labels, queries) goes through
 * address_normalize(): checksums are verified, and the canonical form is
 * what is stored and looked up (EVM lower case, bech32 lower case, base58 as is).
 */
#ifndef RISKD_ADDRESS_H
#define RISKD_ADDRESS_H

#include <stddef.h>
#include "riskd/chain.h"

/** Longest canonical address (bech32 allows 90 characters). */
#define ADDRESS_MAX 90
/** Longest canonical transaction hash. */
#define TXHASH_MAX 66

/** Why an address (or tx hash) was refused; ADDR_OK when it was not. */
enum addr_error {
  ADDR_OK = 0,
  ADDR_EMPTY,          /**< nothing given */
  ADDR_BAD_LENGTH,     /**< wrong number of characters or bytes */
  ADDR_BAD_CHARSET,    /**< a character outside the encoding's alphabet */
  ADDR_BAD_PREFIX,     /**< wrong leading characters or human-readable part */
  ADDR_BAD_VERSION,    /**< version byte / witness version not valid here */
  ADDR_BAD_CHECKSUM,   /**< checksum does not match */
  ADDR_MIXED_CASE,     /**< case mixes that the encoding forbids (bech32) */
  ADDR_BAD_EIP55       /**< mixed-case EVM address whose EIP-55 checksum fails */
};

/**
 * Checks `in` (`len` bytes, not necessarily NUL-terminated) as an address of
 * `chain` and writes its canonical form, NUL-terminated, into `out`.
 * Returns ADDR_OK, or the reason it is not a valid address of that chain.
 */
enum addr_error address_normalize (enum chain chain, const char *in, size_t len,
                                   char out[ADDRESS_MAX + 1]);

/**
 * Checks a transaction hash of `chain` and writes its canonical form into
 * `out`: EVM chains 0x + 64 hex, the others 64 hex, always lower case.
 */
enum addr_error txhash_normalize (enum chain chain, const char *in, size_t len,
                                  char out[TXHASH_MAX + 1]);

/** A short sentence saying what is wrong, for problem documents. */
const char *addr_error_reason (enum addr_error err);

#endif
/* end of address.h */
