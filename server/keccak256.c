/*
 * keccak256.c -- Keccak-256 as Ethereum uses it (EIP-55 checksums).
 *
 * This is the Keccak submission that won the SHA-3 competition, before
 * FIPS 202 changed the padding: the message is padded with 0x01 ... 0x80,
 * not SHA3-256's 0x06 ... 0x80, so the two give different digests and
 * OpenSSL's or libc's SHA3 cannot stand in for it.
 *
 * Sponge: 1600-bit state of 25 little-endian 64-bit lanes, rate 136 bytes
 * (capacity 512 bits), 24 rounds of Keccak-f. The permutation is written
 * step by step (theta, rho+pi, chi, iota) for readability; it only ever
 * hashes 40-character addresses, so speed does not matter.
 */
#include <string.h>
#include "riskd/digest.h"

/** Bytes absorbed per permutation: (1600 - 2 * 256) / 8. */
#define KECCAK256_RATE 136

/** Iota round constants. */
static const uint64_t keccak_rc[24] = {
  0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL,
  0x8000000080008000ULL, 0x000000000000808BULL, 0x0000000080000001ULL,
  0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008AULL,
  0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
  0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL,
  0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
  0x000000000000800AULL, 0x800000008000000AULL, 0x8000000080008081ULL,
  0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL
};

/** Rho rotation of lane (x, y), indexed x + 5 * y. */
static const unsigned keccak_rho[25] = {
  0, 1, 62, 28, 27,
  36, 44, 6, 55, 20,
  3, 10, 43, 25, 39,
  41, 45, 15, 21, 8,
  18, 2, 61, 56, 14
};

/** Rotates a lane left by n (0..63) bits; n = 0 must not shift by 64. */
static uint64_t
rol64 (uint64_t x, unsigned n)
{
  return (x << n) | (x >> ((64 - n) & 63));
}

/** Keccak-f[1600]: the 24-round permutation of the state. */
static void
keccak_f1600 (uint64_t a[25])
{
  for (int round = 0; round < 24; round++)
  {
    /* theta: xor every lane with the parities of two neighbour columns */
    uint64_t c[5], d[5];
    for (int x = 0; x < 5; x++)
      c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++)
      d[x] = c[(x + 4) % 5] ^ rol64 (c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; i++)
      a[i] ^= d[i % 5];

    /* rho and pi: rotate each lane, move (x, y) to (y, 2x + 3y) */
    uint64_t b[25];
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++)
        b[y + 5 * ((2 * x + 3 * y) % 5)] = rol64 (a[x + 5 * y],
                                                  keccak_rho[x + 5 * y]);

    /* chi: the only non-linear step, along each row */
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++)
        a[x + 5 * y] = b[x + 5 * y]
                       ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);

    /* iota: break the symmetry between rounds */
    a[0] ^= keccak_rc[round];
  }
}

/** Xors one rate-sized block into the state, lanes little-endian. */
static void
keccak_absorb (uint64_t a[25], const uint8_t block[KECCAK256_RATE])
{
  for (int i = 0; i < KECCAK256_RATE / 8; i++)
  {
    uint64_t lane = 0;
    for (int j = 7; j >= 0; j--)
      lane = lane << 8 | block[8 * i + j];
    a[i] ^= lane;
  }
  keccak_f1600 (a);
}

/** Keccak-256 of `len` bytes at `data` (Ethereum's "sha3"). */
void
keccak256 (const void *data, size_t len, uint8_t out[32])
{
  uint64_t a[25] = { 0 };
  const uint8_t *p = data;
  size_t left = len;

  for (; left >= KECCAK256_RATE; left -= KECCAK256_RATE, p += KECCAK256_RATE)
    keccak_absorb (a, p);

  /* Original Keccak padding: 0x01 after the message, 0x80 in the last byte
   * of the block (they share a byte, 0x81, when one byte is left). */
  uint8_t last[KECCAK256_RATE] = { 0 };
  if (left > 0)
    memcpy (last, p, left);
  last[left] |= 0x01;
  last[KECCAK256_RATE - 1] |= 0x80;
  keccak_absorb (a, last);

  for (int i = 0; i < 32; i++)
    out[i] = (uint8_t) (a[i / 8] >> (8 * (i % 8)));
}

/* end of keccak256.c */
