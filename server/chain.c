/*
 * chain.c -- the table of chains riskd knows.
 *
 * One row per enum chain, in enum order, so a chain id indexes the table
 * directly; adding a chain means adding an enum value and a row here.
 */
#include <string.h>
#include "riskd/chain.h"

/** What riskd needs to know about a chain to name and validate it. */
struct chain_info {
  const char *name;   /**< short lower-case name, as in URLs and CSV files */
  bool evm;           /**< addresses are 0x + 40 hex (EIP-55 checksum) */
};

/** Every chain, indexed by enum chain. */
static const struct chain_info chains[CHAIN_COUNT] = {
  [CHAIN_BTC] = { "btc", false },
  [CHAIN_ETH] = { "eth", true },
  [CHAIN_TRX] = { "trx", false },
  [CHAIN_BSC] = { "bsc", true },
  [CHAIN_ARB] = { "arb", true },
  [CHAIN_POLYGON] = { "polygon", true },
  [CHAIN_LTC] = { "ltc", false },
  [CHAIN_XRP] = { "xrp", false },
  [CHAIN_XLM] = { "xlm", false },
};

/** Chain for an exact lower-case short name of `len` bytes; -1 if unknown.
 * The length is compared first, so "eth\0x" or "et" never match "eth". */
int
chain_from_name (const char *name, size_t len)
{
  if (name == NULL)
    return -1;
  for (int c = 0; c < CHAIN_COUNT; c++)
    if (strlen (chains[c].name) == len
        && memcmp (chains[c].name, name, len) == 0)
      return c;
  return -1;
}

/** Short name of a chain; "unknown" for a value outside the enum, so a
 * caller printing a corrupted id still gets a string. */
const char *
chain_name (enum chain chain)
{
  if ((unsigned) chain >= CHAIN_COUNT)
    return "unknown";
  return chains[chain].name;
}

/** True for the chains whose addresses are 0x + 40 hex. */
bool
chain_is_evm (enum chain chain)
{
  return (unsigned) chain < CHAIN_COUNT && chains[chain].evm;
}

/* end of chain.c */
