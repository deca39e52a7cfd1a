/*
 * chain.h -- the blockchains riskd knows, by short name.
 *
 * An address is identified by (chain, canonical address string): the same
 * 0x... string on eth and on bsc are two different addresses.
 */
#ifndef RISKD_CHAIN_H
#define RISKD_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

/** Every chain riskd validates; the order is the order of chain ids. */
enum chain {
  CHAIN_BTC,
  CHAIN_ETH,
  CHAIN_TRX,
  CHAIN_BSC,
  CHAIN_ARB,
  CHAIN_POLYGON,
  CHAIN_LTC,
  CHAIN_XRP,
  CHAIN_XLM,
  CHAIN_COUNT
};

/** Chain for a short name such as "btc" (exact, lower case); -1 if unknown. */
int chain_from_name (const char *name, size_t len);

/** Short name of a chain ("btc", "eth", ...). */
const char *chain_name (enum chain chain);

/** True for chains whose addresses are 0x + 40 hex (eth, bsc, arb, polygon). */
bool chain_is_evm (enum chain chain);

#endif
/* end of chain.h */
