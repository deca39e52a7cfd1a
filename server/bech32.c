/*
 * bech32.c -- bech32 (BIP-173) and bech32m (BIP-350) decoding, and the
 * segwit address rules on top of them.
 *
 * A string is hrp '1' data, where the separator is the LAST '1' (the hrp
 * may contain '1's) and the data is 5-bit values in a 32-character alphabet,
 * the last six of which are a BCH checksum over the hrp and the data. Both
 * variants share everything but the constant the checksum must leave, so
 * one polymod decides which variant a string is (it cannot be both).
 *
 * Segwit then says which variant each witness version must use: version 0
 * bech32, versions 1..16 bech32m. Getting that wrong is reported as a
 * checksum error, since the checksum is what does not fit the version.
 *
 * Inputs are capped at 90 characters before decoding, and everything is on
 * the stack.
 */
#include <stdbool.h>
#include <string.h>
#include "riskd/bech32.h"

/** The data alphabet: value i is written bech32_charset[i]. */
static const char bech32_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/** What polymod leaves for a valid bech32 string. */
#define BECH32_CONST 1u
/** What polymod leaves for a valid bech32m string. */
#define BECH32M_CONST 0x2bc830a3u

/** Steps the BCH checksum over one more 5-bit value. */
static uint32_t
bech32_polymod_step (uint32_t chk, uint8_t value)
{
  static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                   0x3d4233dd, 0x2a1462b3 };
  uint32_t top = chk >> 25;

  chk = ((chk & 0x1ffffff) << 5) ^ value;
  for (int i = 0; i < 5; i++)
    if ((top >> i) & 1)
      chk ^= gen[i];
  return chk;
}

/** Value of a (lower-case) data character, or -1 if not in the alphabet. */
static int
bech32_value (char c)
{
  const char *p = memchr (bech32_charset, c, 32);
  return p ? (int) (p - bech32_charset) : -1;
}

/** Lower-cases one ASCII letter; other bytes pass unchanged. */
static char
ascii_lower (char c)
{
  return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/** Splits and checks a bech32 or bech32m string (see bech32.h). */
enum addr_error
bech32_decode (const char *in, size_t len, struct bech32_string *out)
{
  memset (out, 0, sizeof *out);
  if (in == NULL || len == 0)
    return ADDR_EMPTY;
  if (len > BECH32_MAX)
    return ADDR_BAD_LENGTH;

  bool has_lower = false, has_upper = false;
  size_t sep = len;  /* position of the last '1'; len while none seen */
  for (size_t i = 0; i < len; i++)
  {
    unsigned char c = (unsigned char) in[i];
    if (c < 33 || c > 126)
      return ADDR_BAD_CHARSET;
    has_lower |= (c >= 'a' && c <= 'z');
    has_upper |= (c >= 'A' && c <= 'Z');
    if (c == '1')
      sep = i;
  }
  if (has_lower && has_upper)
    return ADDR_MIXED_CASE;
  if (sep == len || sep == 0)
    return ADDR_BAD_PREFIX;
  if (len - sep - 1 < 6)
    return ADDR_BAD_LENGTH;

  /* The checksum covers the hrp expanded to high bits, a 0, low bits. */
  uint32_t chk = 1;
  for (size_t i = 0; i < sep; i++)
    out->hrp[i] = ascii_lower (in[i]);
  for (size_t i = 0; i < sep; i++)
    chk = bech32_polymod_step (chk, (uint8_t) (out->hrp[i] >> 5));
  chk = bech32_polymod_step (chk, 0);
  for (size_t i = 0; i < sep; i++)
    chk = bech32_polymod_step (chk, (uint8_t) (out->hrp[i] & 31));

  for (size_t i = sep + 1; i < len; i++)
  {
    int v = bech32_value (ascii_lower (in[i]));
    if (v < 0)
      return ADDR_BAD_CHARSET;
    chk = bech32_polymod_step (chk, (uint8_t) v);
    if (i < len - 6)
      out->data[out->data_len++] = (uint8_t) v;
  }

  if (chk == BECH32_CONST)
    out->variant = BECH32_VARIANT_BECH32;
  else if (chk == BECH32M_CONST)
    out->variant = BECH32_VARIANT_BECH32M;
  else
    return ADDR_BAD_CHECKSUM;
  return ADDR_OK;
}

/** Decodes a segwit address of the network whose hrp is `hrp`. */
enum addr_error
segwit_decode (const char *hrp, const char *in, size_t len,
               struct segwit_address *out)
{
  struct bech32_string s;

  memset (out, 0, sizeof *out);
  enum addr_error err = bech32_decode (in, len, &s);
  if (err != ADDR_OK)
    return err;
  if (strcmp (s.hrp, hrp) != 0)
    return ADDR_BAD_PREFIX;
  if (s.data_len == 0)
    return ADDR_BAD_LENGTH;  /* not even a witness version */
  if (s.data[0] > 16)
    return ADDR_BAD_VERSION;
  if (s.variant != (s.data[0] == 0 ? BECH32_VARIANT_BECH32
                                   : BECH32_VARIANT_BECH32M))
    return ADDR_BAD_CHECKSUM;

  /* Regroup the 5-bit values after the version into bytes. */
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 1; i < s.data_len; i++)
  {
    acc = ((acc << 5) | s.data[i]) & 0xfff;
    bits += 5;
    if (bits >= 8)
    {
      bits -= 8;
      if (out->program_len == SEGWIT_PROGRAM_MAX)
        return ADDR_BAD_LENGTH;
      out->program[out->program_len++] = (uint8_t) (acc >> bits);
    }
  }
  /* Left-over bits are padding: fewer than 5 and all zero, else the data
   * is not a whole number of bytes. */
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
    return ADDR_BAD_LENGTH;

  if (out->program_len < 2)
    return ADDR_BAD_LENGTH;
  if (s.data[0] == 0 && out->program_len != 20 && out->program_len != 32)
    return ADDR_BAD_LENGTH;
  out->version = s.data[0];
  return ADDR_OK;
}

/* end of bech32.c */
