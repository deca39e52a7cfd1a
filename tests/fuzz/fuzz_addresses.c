/*
 * fuzz_addresses.c -- every address and tx-hash validator (server/address.c,
 * base58.c, bech32.c) on arbitrary bytes.
 *
 * Input: "<chain>:<text>" checks <text> as an address of <chain>,
 * "<chain>#<text>" as a transaction hash; a chain name riskd does not know
 * (or no separator at all) uses an id outside the enum, which every
 * validator must refuse. The text goes in an exact-size heap block, the
 * output in one of exactly ADDRESS_MAX + 1 (TXHASH_MAX + 1) bytes, so
 * AddressSanitizer sees any read past `len` or write past the output.
 *
 * Invariants, for every chain:
 *   - a refusal leaves "" in `out`; an acceptance a NUL-terminated string
 *     of exactly `len` bytes equal to the input up to ASCII case;
 *   - the canonical form is accepted again and maps to itself (idempotent);
 *   - the canonical form has the chain's shape (EVM "0x" + 40 lower-case
 *     hex, Tron 'T', Ripple 'r', Stellar 'G', bech32 in lower case, ...);
 *   - the four EVM chains agree, and an all-upper-case spelling of a
 *     canonical EVM or bech32 address means the same address;
 *   - tx hashes are 64 lower-case hex digits, with "0x" on EVM chains only.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include "fuzz.h"
#include "riskd/address.h"
#include "riskd/bech32.h"
#include "riskd/chain.h"

/** A chain id no address belongs to. */
#define NO_CHAIN CHAIN_COUNT

static bool
is_lower_hex (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

static bool
has_upper (const char *s)
{
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z')
      return true;
  return false;
}

/** True when a and b (n bytes each) differ at most in ASCII case. */
static bool
same_but_case (const char *a, const char *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (tolower ((unsigned char) a[i]) != tolower ((unsigned char) b[i]))
      return false;
  return true;
}

/** address_normalize through exact-size buffers on both sides. */
static enum addr_error
normalize (enum chain chain, const char *text, size_t len, char *out)
{
  char *in = fuzz_exact_copy (text, len);
  enum addr_error err = address_normalize (chain, in, len, out);

  free (in);
  return err;
}

static void
check_address (enum chain chain, const char *text, size_t len)
{
  char *out = malloc (ADDRESS_MAX + 1), *again = malloc (ADDRESS_MAX + 1);
  enum addr_error err;

  memset (out, 0xa5, ADDRESS_MAX + 1);
  err = normalize (chain, text, len, out);
  if (err != ADDR_OK)
  {
    FUZZ_CHECK (out[0] == '\0', "refused (%d) but out holds a partial form", err);
    FUZZ_CHECK (err > ADDR_OK && err <= ADDR_BAD_EIP55, "error %d outside the enum", err);
    FUZZ_CHECK (addr_error_reason (err)[0] != '\0', "no reason for %d", err);
    goto done;
  }
  FUZZ_CHECK (chain < CHAIN_COUNT, "accepted on a chain that does not exist");
  FUZZ_CHECK (memchr (out, '\0', ADDRESS_MAX + 1) != NULL, "canonical form not terminated");
  size_t n = strlen (out);
  FUZZ_CHECK (n == len, "canonical length %zu, input %zu", n, len);
  FUZZ_CHECK (same_but_case (out, text, len), "canonical '%s' is not the input", out);

  /* idempotent: the canonical form is valid and its own canonical form */
  memset (again, 0xa5, ADDRESS_MAX + 1);
  err = normalize (chain, out, n, again);
  FUZZ_CHECK (err == ADDR_OK, "canonical '%s' refused (%d) on %s", out, err,
              chain_name (chain));
  FUZZ_CHECK (strcmp (out, again) == 0, "'%s' re-normalizes to '%s'", out, again);

  /* the chain's shape */
  if (chain_is_evm (chain))
  {
    FUZZ_CHECK (n == 42 && out[0] == '0' && out[1] == 'x' && is_lower_hex (out + 2, 40),
                "EVM canonical '%s'", out);
    for (int c = 0; c < CHAIN_COUNT; c++)
      if (chain_is_evm ((enum chain) c))
      {
        FUZZ_CHECK (normalize ((enum chain) c, text, len, again) == ADDR_OK
                    && strcmp (again, out) == 0, "EVM chains disagree on '%s'", out);
      }
    /* an all-upper-case spelling carries no checksum: the same address */
    char upper[ADDRESS_MAX + 1];
    memcpy (upper, out, n + 1);
    for (size_t i = 2; i < n; i++)
      upper[i] = (char) toupper ((unsigned char) upper[i]);
    FUZZ_CHECK (normalize (chain, upper, n, again) == ADDR_OK && strcmp (again, out) == 0,
                "upper-case spelling of '%s' refused", out);
  }
  else if (chain == CHAIN_TRX)
    FUZZ_CHECK (n == 34 && out[0] == 'T', "Tron canonical '%s'", out);
  else if (chain == CHAIN_XRP)
    FUZZ_CHECK (n >= 25 && n <= 35 && out[0] == 'r', "Ripple canonical '%s'", out);
  else if (chain == CHAIN_XLM)
    FUZZ_CHECK (n == 56 && out[0] == 'G', "Stellar canonical '%s'", out);
  else
  {
    const char *hrp = chain == CHAIN_BTC ? "bc1" : "ltc1";
    bool segwit = strncmp (out, hrp, strlen (hrp)) == 0 && !has_upper (out);
    struct segwit_address sw;
    if (segwit && segwit_decode (chain == CHAIN_BTC ? "bc" : "ltc", out, n, &sw) == ADDR_OK)
    {
      FUZZ_CHECK (sw.version <= 16 && sw.program_len >= 2 && sw.program_len <= 40,
                  "segwit '%s': version %u, %zu bytes", out, sw.version, sw.program_len);
      char upper[ADDRESS_MAX + 1];
      for (size_t i = 0; i <= n; i++)
        upper[i] = (char) toupper ((unsigned char) out[i]);
      FUZZ_CHECK (normalize (chain, upper, n, again) == ADDR_OK && strcmp (again, out) == 0,
                  "upper-case spelling of '%s' refused", out);
    }
    else if (chain == CHAIN_BTC)
      FUZZ_CHECK (out[0] == '1' || out[0] == '3', "btc base58 canonical '%s'", out);
    else
      FUZZ_CHECK (out[0] == 'L' || out[0] == 'M' || out[0] == '3',
                  "ltc base58 canonical '%s'", out);
  }
done:
  free (out);
  free (again);
}

static void
check_txhash (enum chain chain, const char *text, size_t len)
{
  char *out = malloc (TXHASH_MAX + 1), *again = malloc (TXHASH_MAX + 1);
  char *in = fuzz_exact_copy (text, len);

  memset (out, 0xa5, TXHASH_MAX + 1);
  enum addr_error err = txhash_normalize (chain, in, len, out);
  free (in);
  if (err != ADDR_OK)
  {
    FUZZ_CHECK (out[0] == '\0', "refused (%d) but out holds a partial form", err);
    goto done;
  }
  FUZZ_CHECK (chain < CHAIN_COUNT, "tx hash accepted on a chain that does not exist");
  FUZZ_CHECK (memchr (out, '\0', TXHASH_MAX + 1) != NULL, "canonical hash not terminated");
  size_t n = strlen (out);
  if (chain_is_evm (chain))
    FUZZ_CHECK (n == 66 && out[0] == '0' && out[1] == 'x' && is_lower_hex (out + 2, 64),
                "EVM hash '%s'", out);
  else
    FUZZ_CHECK (n == 64 && is_lower_hex (out, 64), "hash '%s'", out);
  FUZZ_CHECK (same_but_case (out, text, len), "canonical hash '%s' is not the input", out);
  in = fuzz_exact_copy (out, n);
  err = txhash_normalize (chain, in, n, again);
  free (in);
  FUZZ_CHECK (err == ADDR_OK && strcmp (out, again) == 0, "hash '%s' not idempotent", out);
done:
  free (out);
  free (again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  size_t sep = 0;

  while (sep < size && text[sep] != ':' && text[sep] != '#')
    sep++;
  if (sep == size)
  {
    /* no chain named: the whole input, on every chain and on none */
    for (int c = 0; c <= CHAIN_COUNT; c++)
      check_address ((enum chain) c, text, size);
    return 0;
  }
  int c = chain_from_name (text, sep);
  enum chain chain = c < 0 ? NO_CHAIN : (enum chain) c;
  if (text[sep] == ':')
    check_address (chain, text + sep + 1, size - sep - 1);
  else
    check_txhash (chain, text + sep + 1, size - sep - 1);
  return 0;
}

/* end of fuzz_addresses.c */
