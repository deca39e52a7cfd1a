/*
 * base58.c -- base58 and base58check decoding.
 *
 * Base58 is a big number written in base 58, with each leading zero byte
 * written as one alphabet[0] character. Decoding multiplies a little-endian
 * byte array by 58 and adds each digit. The input is capped at ADDRESS_MAX
 * characters before any work, so the array (at most one byte per character)
 * lives on the stack and the quadratic loop stays tiny.
 *
 * Whitespace and every byte outside the alphabet (NUL included) is refused:
 * the canonical form of a base58 address is the input itself, so nothing
 * may be trimmed or skipped.
 */
#include <string.h>
#include "riskd/base58.h"
#include "riskd/digest.h"

/** Value of character `c` in `alphabet`, or -1 when it is not in it. */
static int
base58_digit (const char *alphabet, char c)
{
  /* memchr over exactly 58 bytes: a NUL input never matches the
   * alphabet's terminator. */
  const char *p = memchr (alphabet, c, 58);
  return p ? (int) (p - alphabet) : -1;
}

/** Decodes base58 text into bytes (see base58.h). */
enum addr_error
base58_decode (const char *alphabet, const char *in, size_t len,
               uint8_t *out, size_t out_max, size_t *out_len)
{
  *out_len = 0;
  if (in == NULL || len == 0)
    return ADDR_EMPTY;
  if (len > ADDRESS_MAX)
    return ADDR_BAD_LENGTH;

  size_t zeros = 0;
  while (zeros < len && in[zeros] == alphabet[0])
    zeros++;

  /* Little-endian big number; a value below 58^k fits in k bytes, so
   * `num_len` never exceeds the number of digits read. */
  uint8_t num[ADDRESS_MAX] = { 0 };
  size_t num_len = 0;
  for (size_t i = zeros; i < len; i++)
  {
    int digit = base58_digit (alphabet, in[i]);
    if (digit < 0)
      return ADDR_BAD_CHARSET;
    unsigned carry = (unsigned) digit;
    size_t j;
    for (j = 0; j < num_len || carry != 0; j++)
    {
      carry += 58u * num[j];
      num[j] = (uint8_t) (carry & 0xff);
      carry >>= 8;
    }
    num_len = j;
  }

  if (zeros + num_len > out_max)
    return ADDR_BAD_LENGTH;
  memset (out, 0, zeros);
  for (size_t j = 0; j < num_len; j++)
    out[zeros + j] = num[num_len - 1 - j];
  *out_len = zeros + num_len;
  return ADDR_OK;
}

/** Decodes base58 text of a known size and verifies its double-SHA-256
 * checksum. The size is checked before the checksum, so a dropped or extra
 * character is reported as a length error rather than as a typo. */
enum addr_error
base58check_decode (const char *alphabet, const char *in, size_t len,
                    uint8_t *payload, size_t payload_len)
{
  uint8_t raw[ADDRESS_MAX];
  size_t raw_len;

  enum addr_error err = base58_decode (alphabet, in, len, raw, sizeof raw,
                                       &raw_len);
  if (err != ADDR_OK)
    return err;
  if (raw_len != payload_len + 4)
    return ADDR_BAD_LENGTH;

  uint8_t hash[32];
  sha256 (raw, payload_len, hash);
  sha256 (hash, sizeof hash, hash);
  if (memcmp (hash, raw + payload_len, 4) != 0)
    return ADDR_BAD_CHECKSUM;

  memcpy (payload, raw, payload_len);
  return ADDR_OK;
}

/* end of base58.c */
