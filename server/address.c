/*
 * address.c -- validation and canonical form of addresses and tx hashes.
 *
 * One entry point per kind of string; address_normalize dispatches on the
 * chain to one small validator per address family:
 *   - EVM (eth, bsc, arb, polygon): 0x + 40 hex, EIP-55 checked when the
 *     case is mixed; canonical form lower case.
 *   - UTXO (btc, ltc): base58check with the chain's version bytes, or a
 *     segwit bech32/bech32m address with the chain's hrp; canonical form
 *     the base58 text as given, or the bech32 text in lower case.
 *   - trx, xrp: base58check with one version byte (Ripple's own alphabet
 *     for xrp); canonical form as given.
 *   - xlm: Stellar StrKey (base32 + CRC16-XModem); canonical form as given.
 * The encodings themselves live in base58.c and bech32.c.
 *
 * Inputs are (pointer, length) and may hold any bytes, NUL included: every
 * validator reads only `len` bytes, and anything longer than ADDRESS_MAX is
 * refused before decoding. There is no state besides constant tables, so
 * every function is thread-safe.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "riskd/address.h"
#include "riskd/base58.h"
#include "riskd/bech32.h"
#include "riskd/digest.h"

/** Decoded size of a base58check account before its checksum. */
#define ACCOUNT_PAYLOAD_BYTES 21

/** How one chain writes its base58check accounts: a version byte followed
 * by a 20-byte hash, then the 4-byte checksum. */
struct base58_rule {
  const char *alphabet;       /**< Bitcoin's or Ripple's */
  const uint8_t *versions;    /**< mainnet version bytes accepted */
  size_t n_versions;          /**< how many in `versions` */
  size_t min_chars;           /**< shortest text accepted */
  size_t max_chars;           /**< longest text accepted */
};

/** Bitcoin: P2PKH ('1') and P2SH ('3'); testnet's 0x6f and 0xc4 refused. */
static const uint8_t btc_versions[] = { 0x00, 0x05 };
/** Litecoin: P2PKH ('L'), P2SH ('M'), and the old P2SH shared with
 * Bitcoin ('3'), still in use for addresses made before 'M' existed. */
static const uint8_t ltc_versions[] = { 0x30, 0x32, 0x05 };
/** Tron: one version byte, 0x41, which always yields 'T' + 33 characters. */
static const uint8_t trx_versions[] = { 0x41 };
/** Ripple: account ids have version 0, written 'r' in its alphabet. */
static const uint8_t xrp_versions[] = { 0x00 };

/** Base58 rules; 25 bytes never take more than 35 characters. */
static const struct base58_rule btc_rule = {
  BASE58_BITCOIN_ALPHABET, btc_versions, sizeof btc_versions, 1, 35
};
static const struct base58_rule ltc_rule = {
  BASE58_BITCOIN_ALPHABET, ltc_versions, sizeof ltc_versions, 1, 35
};
static const struct base58_rule trx_rule = {
  BASE58_BITCOIN_ALPHABET, trx_versions, sizeof trx_versions, 34, 34
};
static const struct base58_rule xrp_rule = {
  BASE58_RIPPLE_ALPHABET, xrp_versions, sizeof xrp_versions, 25, 35
};

/** Stellar's version byte for an ed25519 account id (6 << 3: text 'G'). */
#define STRKEY_ACCOUNT_VERSION (6 << 3)
/** A StrKey account id: 35 bytes in base32 without padding. */
#define STRKEY_ACCOUNT_CHARS 56
/** Its decoded size: version, 32-byte key, 2-byte CRC. */
#define STRKEY_ACCOUNT_BYTES 35

/** Value of a hex digit of either case, or -1. */
static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/** Lower-cases one ASCII letter; other bytes pass unchanged. */
static char
ascii_lower (char c)
{
  return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/** True when `in` starts with `hrp` followed by '1', ignoring case:
 * the mark of a bech32 string for that hrp. */
static bool
has_hrp (const char *hrp, const char *in, size_t len)
{
  size_t n = strlen (hrp);

  if (len <= n || in[n] != '1')
    return false;
  for (size_t i = 0; i < n; i++)
    if (ascii_lower (in[i]) != hrp[i])
      return false;
  return true;
}

/** Checks 0x + 40 hex and, when letters of both cases appear, EIP-55:
 * letter i must be upper case iff nibble i of keccak256(lower-case hex) is
 * 8 or more. One-case addresses carry no checksum and are taken as is. */
static enum addr_error
evm_normalize (const char *in, size_t len, char out[ADDRESS_MAX + 1])
{
  if (len < 2 || in[0] != '0' || in[1] != 'x')
    return ADDR_BAD_PREFIX;
  if (len != 42)
    return ADDR_BAD_LENGTH;

  char hex[40];
  bool has_lower = false, has_upper = false;
  for (size_t i = 0; i < 40; i++)
  {
    char c = in[2 + i];
    if (hex_value (c) < 0)
      return ADDR_BAD_CHARSET;
    has_lower |= (c >= 'a' && c <= 'f');
    has_upper |= (c >= 'A' && c <= 'F');
    hex[i] = ascii_lower (c);
  }

  if (has_lower && has_upper)
  {
    uint8_t hash[32];
    keccak256 (hex, sizeof hex, hash);
    for (size_t i = 0; i < 40; i++)
    {
      char c = in[2 + i];
      if (c >= '0' && c <= '9')
        continue;
      unsigned nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 15;
      if ((c >= 'A' && c <= 'F') != (nibble >= 8))
        return ADDR_BAD_EIP55;
    }
  }

  out[0] = '0';
  out[1] = 'x';
  memcpy (out + 2, hex, sizeof hex);
  out[42] = '\0';
  return ADDR_OK;
}

/** Checks a base58check account against `rule`; the canonical form is the
 * text itself. The checksum is checked before the version, so a typo reads
 * as a typo and a well-formed address of another network as a bad version. */
static enum addr_error
base58_normalize (const struct base58_rule *rule, const char *in, size_t len,
                  char out[ADDRESS_MAX + 1])
{
  uint8_t payload[ACCOUNT_PAYLOAD_BYTES];
  enum addr_error err = base58check_decode (rule->alphabet, in, len, payload,
                                            sizeof payload);
  /* Decoding first, so a stray character is named as such even when it
   * also makes the text too long. */
  if (err == ADDR_BAD_CHARSET || err == ADDR_EMPTY)
    return err;
  if (len < rule->min_chars || len > rule->max_chars)
    return ADDR_BAD_LENGTH;
  if (err != ADDR_OK)
    return err;
  if (memchr (rule->versions, payload[0], rule->n_versions) == NULL)
    return ADDR_BAD_VERSION;

  memcpy (out, in, len);
  out[len] = '\0';
  return ADDR_OK;
}

/** Checks a btc or ltc address: segwit with `hrp`, else base58check. */
static enum addr_error
utxo_normalize (const char *hrp, const struct base58_rule *rule,
                const char *in, size_t len, char out[ADDRESS_MAX + 1])
{
  struct segwit_address segwit;
  struct bech32_string any;

  if (has_hrp (hrp, in, len))
  {
    enum addr_error err = segwit_decode (hrp, in, len, &segwit);
    if (err == ADDR_OK)
    {
      for (size_t i = 0; i < len; i++)
        out[i] = ascii_lower (in[i]);
      out[len] = '\0';
      return ADDR_OK;
    }
    /* "LTC1" can also begin a legacy Litecoin address: base58check's
     * 32-bit checksum settles which one it is. */
    if (base58_normalize (rule, in, len, out) == ADDR_OK)
      return ADDR_OK;
    return err;
  }

  enum addr_error err = base58_normalize (rule, in, len, out);
  /* A sound bech32 string for another hrp ("tb", "ltc" given as btc) is
   * better described as a wrong prefix than as base58 gone wrong. */
  if (err != ADDR_OK && bech32_decode (in, len, &any) == ADDR_OK)
    return ADDR_BAD_PREFIX;
  return err;
}

/** CRC16-XModem (poly 0x1021, init 0, no reflection), StrKey's checksum. */
static uint16_t
crc16_xmodem (const uint8_t *data, size_t len)
{
  uint16_t crc = 0;

  for (size_t i = 0; i < len; i++)
  {
    crc ^= (uint16_t) (data[i] << 8);
    for (int bit = 0; bit < 8; bit++)
      crc = (crc & 0x8000) ? (uint16_t) ((crc << 1) ^ 0x1021)
                           : (uint16_t) (crc << 1);
  }
  return crc;
}

/** Value of an RFC 4648 base32 character (upper case only), or -1. */
static int
base32_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

/** Checks a Stellar account id ('G...', 56 characters): base32 of version
 * byte, 32-byte ed25519 key, CRC16 of those 33 bytes, little-endian. */
static enum addr_error
xlm_normalize (const char *in, size_t len, char out[ADDRESS_MAX + 1])
{
  for (size_t i = 0; i < len; i++)
    if (base32_value (in[i]) < 0)
      return ADDR_BAD_CHARSET;
  if (len != STRKEY_ACCOUNT_CHARS)
    return ADDR_BAD_LENGTH;

  /* 56 characters of 5 bits are exactly 35 bytes: no padding bits. */
  uint8_t raw[STRKEY_ACCOUNT_BYTES];
  size_t n = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < len; i++)
  {
    acc = ((acc << 5) | (uint32_t) base32_value (in[i])) & 0xfff;
    bits += 5;
    if (bits >= 8)
    {
      bits -= 8;
      raw[n++] = (uint8_t) (acc >> bits);
    }
  }

  uint16_t crc = crc16_xmodem (raw, 33);
  if (raw[33] != (crc & 0xff) || raw[34] != (crc >> 8))
    return ADDR_BAD_CHECKSUM;
  if (raw[0] != STRKEY_ACCOUNT_VERSION)
    return ADDR_BAD_VERSION;

  memcpy (out, in, len);
  out[len] = '\0';
  return ADDR_OK;
}

/** Validates an address of `chain` and writes its canonical form. */
enum addr_error
address_normalize (enum chain chain, const char *in, size_t len,
                   char out[ADDRESS_MAX + 1])
{
  enum addr_error err;

  out[0] = '\0';
  if (in == NULL || len == 0)
    return ADDR_EMPTY;
  if (len > ADDRESS_MAX)
    return ADDR_BAD_LENGTH;

  switch (chain)
  {
  case CHAIN_ETH:
  case CHAIN_BSC:
  case CHAIN_ARB:
  case CHAIN_POLYGON:
    err = evm_normalize (in, len, out);
    break;
  case CHAIN_BTC:
    err = utxo_normalize ("bc", &btc_rule, in, len, out);
    break;
  case CHAIN_LTC:
    err = utxo_normalize ("ltc", &ltc_rule, in, len, out);
    break;
  case CHAIN_TRX:
    err = base58_normalize (&trx_rule, in, len, out);
    break;
  case CHAIN_XRP:
    err = base58_normalize (&xrp_rule, in, len, out);
    break;
  case CHAIN_XLM:
    err = xlm_normalize (in, len, out);
    break;
  default:
    /* Not a chain id at all: no address can belong to it. */
    err = ADDR_BAD_PREFIX;
    break;
  }
  if (err != ADDR_OK)
    out[0] = '\0';  /* never leave half a canonical form behind */
  return err;
}

/** Validates a tx hash: 64 hex, with 0x on EVM chains and without it
 * elsewhere (as each chain's explorers write them); lower case out. */
enum addr_error
txhash_normalize (enum chain chain, const char *in, size_t len,
                  char out[TXHASH_MAX + 1])
{
  out[0] = '\0';
  if (in == NULL || len == 0)
    return ADDR_EMPTY;
  if ((unsigned) chain >= CHAIN_COUNT)
    return ADDR_BAD_PREFIX;   /* as address_normalize: no such chain */

  bool has_0x = len >= 2 && in[0] == '0' && (in[1] == 'x' || in[1] == 'X');
  size_t skip = 0;
  if (chain_is_evm (chain))
  {
    if (!has_0x || in[1] != 'x')
      return ADDR_BAD_PREFIX;
    skip = 2;
  }
  else if (has_0x)
    return ADDR_BAD_PREFIX;
  if (len - skip != 64)
    return ADDR_BAD_LENGTH;

  for (size_t i = skip; i < len; i++)
    if (hex_value (in[i]) < 0)
      return ADDR_BAD_CHARSET;
  for (size_t i = 0; i < len; i++)
    out[i] = ascii_lower (in[i]);
  out[len] = '\0';
  return ADDR_OK;
}

/** One sentence per error, for problem documents. */
const char *
addr_error_reason (enum addr_error err)
{
  switch (err)
  {
  case ADDR_OK:
    return "valid";
  case ADDR_EMPTY:
    return "no address was given";
  case ADDR_BAD_LENGTH:
    return "length is wrong for this chain";
  case ADDR_BAD_CHARSET:
    return "contains a character outside the address alphabet";
  case ADDR_BAD_PREFIX:
    return "prefix does not belong to this chain or network";
  case ADDR_BAD_VERSION:
    return "version byte or witness version is not valid on this chain";
  case ADDR_BAD_CHECKSUM:
    return "checksum does not match";
  case ADDR_MIXED_CASE:
    return "mixes upper and lower case, which bech32 forbids";
  case ADDR_BAD_EIP55:
    return "mixed-case address fails its EIP-55 checksum";
  }
  return "unknown address error";
}

/* end of address.c */
