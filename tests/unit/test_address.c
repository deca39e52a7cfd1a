/*
 * test_address.c -- digests, chain names, address and tx-hash validation.
 *
 * Each test is one family of rules, checked with published vectors: FIPS
 * 180 for SHA-256, the Keccak team's empty/"abc" digests, EIP-55's own
 * examples, BIP-173/BIP-350's segwit vectors, well-known mainnet addresses
 * (Bitcoin's genesis address, Tether's Tron contract, Ripple's genesis
 * account, Stellar's SEP-23 example). Invalid cases change one thing each.
 *
 * Every input is copied into a heap block of exactly its length, with no
 * NUL after it, so AddressSanitizer reports any read past `len`.
 *
 * The last test validates every row of the seed files in data/; it expects
 * to run from the repository root.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "riskd/address.h"
#include "riskd/bech32.h"
#include "riskd/chain.h"
#include "riskd/digest.h"
#include "unit.h"

/** Enum names, to print what came back instead of a number. */
static const char *const error_names[] = {
  "ADDR_OK", "ADDR_EMPTY", "ADDR_BAD_LENGTH", "ADDR_BAD_CHARSET",
  "ADDR_BAD_PREFIX", "ADDR_BAD_VERSION", "ADDR_BAD_CHECKSUM",
  "ADDR_MIXED_CASE", "ADDR_BAD_EIP55"
};

/** Name of an addr_error value, for failure messages. */
static const char *
error_name (enum addr_error err)
{
  if ((unsigned) err < sizeof error_names / sizeof error_names[0])
    return error_names[err];
  return "(out of range)";
}

/** address_normalize on a copy of `len` bytes of `text` in a heap block of
 * exactly that size: a read past `len` is a heap overflow ASan reports. */
static enum addr_error
normalize_exact (enum chain chain, const char *text, size_t len,
                 char out[ADDRESS_MAX + 1])
{
  char *copy = malloc (len > 0 ? len : 1);
  if (copy == NULL)
    abort ();
  memcpy (copy, text, len);
  enum addr_error err = address_normalize (chain, copy, len, out);
  free (copy);
  return err;
}

/** txhash_normalize on an exact-size heap copy, as normalize_exact. */
static enum addr_error
txhash_exact (enum chain chain, const char *text, size_t len,
              char out[TXHASH_MAX + 1])
{
  char *copy = malloc (len > 0 ? len : 1);
  if (copy == NULL)
    abort ();
  memcpy (copy, text, len);
  enum addr_error err = txhash_normalize (chain, copy, len, out);
  free (copy);
  return err;
}

/* Checks that `len` bytes of `text` give `want` on `chain` and, when `canon`
 * is not NULL, that the canonical form is `canon`. A macro so a failure
 * names the line of the case. */
#define CHECK_NORMALIZE(chain, text, len, want, canon)                     \
  do {                                                                     \
    char out_[ADDRESS_MAX + 1];                                            \
    enum addr_error got_ = normalize_exact ((chain), (text), (len), out_); \
    if (got_ != (want)) {                                                  \
      printf ("#   %s:%d: %s \"%.*s\": got %s, want %s\n", __FILE__,       \
              __LINE__, chain_name (chain), (int) (len), (text),           \
              error_name (got_), error_name (want));                       \
      unit_current_failed = 1;                                             \
    } else if ((canon) != NULL)                                            \
      CHECK_STR (out_, (const char *) (canon));                            \
  } while (0)

/** A valid address of `chain` whose canonical form is `canon`. */
#define CHECK_VALID(chain, text, canon) \
  CHECK_NORMALIZE (chain, text, strlen (text), ADDR_OK, canon)

/** A valid address that is its own canonical form. */
#define CHECK_SAME(chain, text) CHECK_VALID (chain, text, text)

/** An address of `chain` refused with `err`. */
#define CHECK_INVALID(chain, text, err) \
  CHECK_NORMALIZE (chain, text, strlen (text), err, NULL)

/** Hex of a 32-byte digest, for comparing with published digests. */
static const char *
hex32 (const uint8_t digest[32], char buf[65])
{
  static const char digits[] = "0123456789abcdef";

  for (int i = 0; i < 32; i++)
  {
    buf[2 * i] = digits[digest[i] >> 4];
    buf[2 * i + 1] = digits[digest[i] & 15];
  }
  buf[64] = '\0';
  return buf;
}

/* FIPS 180-2 appendix B vectors, and the empty message. */
static void
test_sha256 (void)
{
  uint8_t d[32];
  char hex[65];

  sha256 ("", 0, d);
  CHECK_STR (hex32 (d, hex),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha256 ("abc", 3, d);
  CHECK_STR (hex32 (d, hex),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* 56 bytes: the padding no longer fits, a second block is needed */
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha256 (two, strlen (two), d);
  CHECK_STR (hex32 (d, hex),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

  size_t million = 1000000;
  char *a = malloc (million);
  CHECK (a != NULL);
  if (a == NULL)
    return;
  memset (a, 'a', million);
  sha256 (a, million, d);
  CHECK_STR (hex32 (d, hex),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  free (a);
}

/* Keccak-256 with the original 0x01 padding. "" and "abc" are the published
 * Ethereum digests; the 135/136/200-byte ones come from a reference sponge
 * whose permutation was checked against SHA3-256 (same permutation, 0x06
 * padding), and cover one pad byte 0x81, an exactly full block, and two
 * blocks. */
static void
test_keccak256 (void)
{
  uint8_t d[32];
  char hex[65];
  char a[200];

  memset (a, 'a', sizeof a);
  keccak256 ("", 0, d);
  CHECK_STR (hex32 (d, hex),
    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  keccak256 ("abc", 3, d);
  CHECK_STR (hex32 (d, hex),
    "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  const char *fox = "The quick brown fox jumps over the lazy dog";
  keccak256 (fox, strlen (fox), d);
  CHECK_STR (hex32 (d, hex),
    "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
  keccak256 (a, 135, d);
  CHECK_STR (hex32 (d, hex),
    "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
  keccak256 (a, 136, d);
  CHECK_STR (hex32 (d, hex),
    "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
  keccak256 (a, 200, d);
  CHECK_STR (hex32 (d, hex),
    "96ea54061def936c4be90b518992fdc6f12f535068a256229aca54267b4d084d");
}

/* Names are exact and lower case; length counts, so "eth\0" is not "eth". */
static void
test_chain_names (void)
{
  static const char *const names[CHAIN_COUNT] = {
    "btc", "eth", "trx", "bsc", "arb", "polygon", "ltc", "xrp", "xlm"
  };

  for (int c = 0; c < CHAIN_COUNT; c++)
  {
    CHECK (chain_from_name (names[c], strlen (names[c])) == c);
    CHECK_STR (chain_name ((enum chain) c), names[c]);
  }
  CHECK (chain_from_name ("ETH", 3) == -1);
  CHECK (chain_from_name ("et", 2) == -1);
  CHECK (chain_from_name ("eth\0", 4) == -1);
  CHECK (chain_from_name ("polygonx", 8) == -1);
  CHECK (chain_from_name ("", 0) == -1);
  CHECK (chain_from_name ("ethereum", 3) == CHAIN_ETH);  /* only len bytes */
  CHECK (chain_is_evm (CHAIN_ETH) && chain_is_evm (CHAIN_BSC)
         && chain_is_evm (CHAIN_ARB) && chain_is_evm (CHAIN_POLYGON));
  CHECK (!chain_is_evm (CHAIN_BTC) && !chain_is_evm (CHAIN_TRX)
         && !chain_is_evm (CHAIN_LTC) && !chain_is_evm (CHAIN_XRP)
         && !chain_is_evm (CHAIN_XLM));
  CHECK (!chain_is_evm (CHAIN_COUNT));
}

/* EIP-55's four examples pass and come out lower case, on every EVM chain;
 * one-case addresses carry no checksum and are accepted as they are. */
static void
test_evm_valid (void)
{
  static const enum chain evm[] = { CHAIN_ETH, CHAIN_BSC, CHAIN_ARB,
                                    CHAIN_POLYGON };

  for (size_t i = 0; i < sizeof evm / sizeof evm[0]; i++)
  {
    CHECK_VALID (evm[i], "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                 "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    CHECK_VALID (evm[i], "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                 "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
    CHECK_VALID (evm[i], "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                 "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb");
    CHECK_VALID (evm[i], "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
                 "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb");
  }
  /* all lower case, and the same address all upper case */
  CHECK_SAME (CHAIN_ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  CHECK_VALID (CHAIN_ETH, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
               "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  /* the Ronin Bridge exploiter, as OFAC publishes it */
  CHECK_VALID (CHAIN_ETH, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
               "0x098b716b8aaf21512996dc57eb0615e2383e2f96");
  /* digits only: no letters, nothing to check */
  CHECK_SAME (CHAIN_ETH, "0x0000000000000000000000000000000000000000");
}

/* One defect per case. */
static void
test_evm_invalid (void)
{
  /* last letter flipped to upper case: EIP-55 fails */
  CHECK_INVALID (CHAIN_ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
                 ADDR_BAD_EIP55);
  /* first letter flipped to lower case */
  CHECK_INVALID (CHAIN_BSC, "0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                 ADDR_BAD_EIP55);
  /* one hex digit changed in a checksummed address */
  CHECK_INVALID (CHAIN_ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAee",
                 ADDR_BAD_EIP55);
  CHECK_INVALID (CHAIN_ETH, "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                 ADDR_BAD_PREFIX);
  CHECK_INVALID (CHAIN_ETH, "0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                 ADDR_BAD_PREFIX);
  CHECK_INVALID (CHAIN_ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_ETH, " 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                 ADDR_BAD_PREFIX);
  CHECK_INVALID (CHAIN_ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae ",
                 ADDR_BAD_CHARSET);
  CHECK_NORMALIZE (CHAIN_ETH, "0x5aaeb6053f3e94c9b9a0\0f33669435e7ef1beaed",
                   42, ADDR_BAD_CHARSET, NULL);
  CHECK_INVALID (CHAIN_ETH, "0x", ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_ETH, "", ADDR_EMPTY);
  /* a Tron address is not an EVM address */
  CHECK_INVALID (CHAIN_ETH, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
                 ADDR_BAD_PREFIX);
}

/* Base58check: version 0x00 ('1') and 0x05 ('3'), 21-byte payload. */
static void
test_btc_base58 (void)
{
  CHECK_SAME (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");  /* genesis */
  CHECK_SAME (CHAIN_BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
  /* hash160 of zeros: 21 leading zero bytes, 21 leading '1's */
  CHECK_SAME (CHAIN_BTC, "1111111111111111111114oLvT2");

  /* last character changed */
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
                 ADDR_BAD_CHECKSUM);
  /* one character in the middle changed */
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL6SLmv7DivfNa",
                 ADDR_BAD_CHECKSUM);
  /* one character dropped: 33 characters still hold 25 bytes, so only
   * the checksum can tell */
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN",
                 ADDR_BAD_CHECKSUM);
  /* too few or too many bytes: one leading '1' (a zero byte) dropped, one
   * character added, the text cut short */
  CHECK_INVALID (CHAIN_BTC, "111111111111111111114oLvT2", ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNaa",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv", ADDR_BAD_LENGTH);
  /* 0, O, I and l are not base58 */
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNO",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNI",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divfla",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_BTC, " 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n",
                 ADDR_BAD_CHARSET);
  CHECK_NORMALIZE (CHAIN_BTC, "1A1zP1eP5QGefi2\0MPTfTL5SLmv7DivfNa", 34,
                   ADDR_BAD_CHARSET, NULL);
  /* testnet P2PKH (0x6f, 'm') and P2SH (0xc4, '2') */
  CHECK_INVALID (CHAIN_BTC, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
                 ADDR_BAD_VERSION);
  CHECK_INVALID (CHAIN_BTC, "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc",
                 ADDR_BAD_VERSION);
  /* sound addresses of other chains */
  CHECK_INVALID (CHAIN_BTC, "LQtFoidy5TmLrPP77MZzgMRffqPsmRfMXE",
                 ADDR_BAD_VERSION);
  CHECK_INVALID (CHAIN_BTC, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
                 ADDR_BAD_VERSION);
}

/* BIP-173/BIP-350 segwit vectors for hrp "bc", and the "tb" ones, which are
 * testnet and so refused for their prefix. */
static void
test_btc_segwit (void)
{
  CHECK_VALID (CHAIN_BTC, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
               "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  CHECK_SAME (CHAIN_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  CHECK_SAME (CHAIN_BTC, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4"
                         "y5r3zarvary0c5xw7kt5nd6y");
  CHECK_VALID (CHAIN_BTC, "BC1SW50QGDZ25J", "bc1sw50qgdz25j");  /* v16 */
  CHECK_SAME (CHAIN_BTC, "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs");  /* v2 */
  /* taproot (v1, 32 bytes) */
  CHECK_SAME (CHAIN_BTC, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hc"
                         "z7vqzk5jj0");

  /* valid, but testnet */
  CHECK_INVALID (CHAIN_BTC, "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvp"
                            "ysxf3q0sl5k7", ADDR_BAD_PREFIX);
  CHECK_INVALID (CHAIN_BTC, "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hy"
                            "lgvsesf3hn0c", ADDR_BAD_PREFIX);

  /* BIP-350 invalid vectors, one reason each */
  CHECK_INVALID (CHAIN_BTC, "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
                            "hcz7vq5zuyut", ADDR_BAD_PREFIX);
  /* bech32 instead of bech32m */
  CHECK_INVALID (CHAIN_BTC, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
                            "hcz7vqh2y7hd", ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_BTC, "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9"
                            "HCZ7VQ54WELL", ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_BTC, "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
                            "hcz7vqglt7rf", ADDR_BAD_PREFIX);
  /* bech32m instead of bech32 */
  CHECK_INVALID (CHAIN_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
                 ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_BTC, "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
                            "hcz7vq24jc47", ADDR_BAD_PREFIX);
  /* 'o' in the checksum */
  CHECK_INVALID (CHAIN_BTC, "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc69"
                            "95vvpql3jow4", ADDR_BAD_CHARSET);
  /* witness version 17 */
  CHECK_INVALID (CHAIN_BTC, "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9"
                            "HCZ7VQ7ZWS8R", ADDR_BAD_VERSION);
  /* programs of 1 and 41 bytes; v0 program of 16 bytes */
  CHECK_INVALID (CHAIN_BTC, "bc1pw5dgrnzv", ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_BTC, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
                            "hcz7v8n0nx0muaewav253zgeav", ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_BTC, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
                 ADDR_BAD_LENGTH);
  /* mixed case (BIP-350's own vector is testnet; here on bc) */
  CHECK_INVALID (CHAIN_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3T4",
                 ADDR_MIXED_CASE);
  CHECK_INVALID (CHAIN_BTC, "Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                 ADDR_MIXED_CASE);
  CHECK_INVALID (CHAIN_BTC, "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
                            "hcz7vq47Zagq", ADDR_BAD_CHARSET);
  /* more than 4 bits of padding (non-zero padding: see test_segwit_tb) */
  CHECK_INVALID (CHAIN_BTC, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
                            "hcz7v07qwwzcrf", ADDR_BAD_LENGTH);
  /* empty data section */
  CHECK_INVALID (CHAIN_BTC, "bc1gmk9yu", ADDR_BAD_LENGTH);

  /* one character changed: bech32 detects any single substitution */
  CHECK_INVALID (CHAIN_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
                 ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb",
                 ADDR_BAD_CHARSET);  /* 'b' is not in the bech32 alphabet */
  CHECK_INVALID (CHAIN_BTC, " bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 ",
                 ADDR_BAD_CHARSET);
  CHECK_NORMALIZE (CHAIN_BTC, "bc1qw508d6qejxtdg4\0y5r3zarvary0c5xw7kv8f3t4",
                   42, ADDR_BAD_CHARSET, NULL);
  /* a Litecoin segwit address is not a Bitcoin one */
  CHECK_INVALID (CHAIN_BTC, "ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dz",
                 ADDR_BAD_PREFIX);
  /* 91 characters: over the bech32 limit before anything is decoded */
  CHECK_NORMALIZE (CHAIN_BTC, "bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
                              "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
                   91, ADDR_BAD_LENGTH, NULL);
}

/* BIP-350's testnet vectors, checked for hrp "tb" directly so that each
 * fails for its own reason rather than for being testnet. */
static void
test_segwit_tb (void)
{
  struct segwit_address sw;
  const char *p2wsh = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf"
                      "3q0sl5k7";
  const char *v1 = "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvses"
                   "f3hn0c";

  CHECK (segwit_decode ("tb", p2wsh, strlen (p2wsh), &sw) == ADDR_OK);
  CHECK (sw.version == 0 && sw.program_len == 32);
  CHECK (sw.program[0] == 0x18 && sw.program[31] == 0x62);
  CHECK (segwit_decode ("tb", v1, strlen (v1), &sw) == ADDR_OK);
  CHECK (sw.version == 1 && sw.program_len == 32);
  CHECK (segwit_decode ("bc", v1, strlen (v1), &sw) == ADDR_BAD_PREFIX);

  /* bech32 instead of bech32m, and the reverse */
  const char *z = "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7"
                  "vqglt7rf";
  CHECK (segwit_decode ("tb", z, strlen (z), &sw) == ADDR_BAD_CHECKSUM);
  const char *q = "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7"
                  "vq24jc47";
  CHECK (segwit_decode ("tb", q, strlen (q), &sw) == ADDR_BAD_CHECKSUM);
  const char *mixed = "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7"
                      "vq47Zagq";
  CHECK (segwit_decode ("tb", mixed, strlen (mixed), &sw) == ADDR_MIXED_CASE);
  const char *pad = "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7"
                    "vpggkg4j";
  CHECK (segwit_decode ("tb", pad, strlen (pad), &sw) == ADDR_BAD_LENGTH);
}

/* BIP-350's bech32m strings (any hrp): valid ones decode as bech32m; the
 * invalid ones fail for the reason the BIP gives. */
static void
test_bech32_strings (void)
{
  static const char *const valid[] = {
    "A1LQFN3A", "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharacters"
    "bioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
    "llllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
  };
  struct bech32_string s;

  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
  {
    CHECK (bech32_decode (valid[i], strlen (valid[i]), &s) == ADDR_OK);
    CHECK (s.variant == BECH32_VARIANT_BECH32M);
  }
  CHECK (bech32_decode ("A1LQFN3A", 8, &s) == ADDR_OK);
  CHECK_STR (s.hrp, "a");
  /* BIP-173's bech32 strings are bech32, not bech32m */
  CHECK (bech32_decode ("A12UEL5L", 8, &s) == ADDR_OK);
  CHECK (s.variant == BECH32_VARIANT_BECH32);

  CHECK (bech32_decode ("\x20" "1xj0phk", 8, &s) == ADDR_BAD_CHARSET);
  CHECK (bech32_decode ("\x7f" "1g6xzxy", 8, &s) == ADDR_BAD_CHARSET);
  CHECK (bech32_decode ("\x80" "1vctc34", 8, &s) == ADDR_BAD_CHARSET);
  const char *long84 = "an84characterslonghumanreadablepartthatcontainsthethe"
                       "excludedcharactersbioandnumber11d6pts4";
  CHECK (bech32_decode (long84, strlen (long84), &s) == ADDR_BAD_LENGTH);
  CHECK (bech32_decode ("qyrz8wqd2c9m", 12, &s) == ADDR_BAD_PREFIX);
  CHECK (bech32_decode ("1qyrz8wqd2c9m", 13, &s) == ADDR_BAD_PREFIX);
  CHECK (bech32_decode ("y1b0jsk6g", 9, &s) == ADDR_BAD_CHARSET);
  CHECK (bech32_decode ("lt1igcx5c0", 10, &s) == ADDR_BAD_CHARSET);
  CHECK (bech32_decode ("in1muywd", 8, &s) == ADDR_BAD_LENGTH);
  CHECK (bech32_decode ("mm1crxm3i", 9, &s) == ADDR_BAD_CHARSET);
  CHECK (bech32_decode ("au1s5cgom", 9, &s) == ADDR_BAD_CHARSET);
  CHECK (bech32_decode ("M1VUXWEZ", 8, &s) == ADDR_BAD_CHECKSUM);
  CHECK (bech32_decode ("16plkw9", 7, &s) == ADDR_BAD_PREFIX);
  CHECK (bech32_decode ("1p2gdwpf", 8, &s) == ADDR_BAD_PREFIX);
}

/* Litecoin: base58 'L' (0x30), 'M' (0x32), '3' (0x05); segwit hrp "ltc". */
static void
test_ltc (void)
{
  CHECK_SAME (CHAIN_LTC, "LQtFoidy5TmLrPP77MZzgMRffqPsmRfMXE");
  CHECK_SAME (CHAIN_LTC, "Lg3PX8wRWmApFCoCMAsPF5P9dPHYQHEWKW");
  CHECK_SAME (CHAIN_LTC, "MGEW4aba3tnrVtVhGcmoqqHaLt5ymPSLPi");
  CHECK_SAME (CHAIN_LTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
  CHECK_SAME (CHAIN_LTC, "ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dz");
  CHECK_VALID (CHAIN_LTC, "LTC1QXTM55GULTQZHQZL2P3KS50HG2478Y3HEHUJ6DZ",
               "ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dz");

  CHECK_INVALID (CHAIN_LTC, "LQtFoidy5TmLrPP77MZzgMRffqPsmRfMXF",
                 ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_LTC, "ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dq",
                 ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_LTC, "ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6Dz",
                 ADDR_MIXED_CASE);
  CHECK_INVALID (CHAIN_LTC, "LQtFoidy5TmLrPP77MZzgMRffqPsmRfMX",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_LTC, "LQtFoidy5TmLrPP77MZzgMRffqPsmRfMX0",
                 ADDR_BAD_CHARSET);
  /* Bitcoin P2PKH and testnet P2PKH versions are not Litecoin's */
  CHECK_INVALID (CHAIN_LTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                 ADDR_BAD_VERSION);
  CHECK_INVALID (CHAIN_LTC, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
                 ADDR_BAD_VERSION);
  CHECK_INVALID (CHAIN_LTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                 ADDR_BAD_PREFIX);
}

/* Tron: base58check, version 0x41, always 34 characters. */
static void
test_trx (void)
{
  CHECK_SAME (CHAIN_TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");  /* USDT */
  CHECK_SAME (CHAIN_TRX, "TB3j1gUXaLXXq2bstiSMfjQ9R7Yh9DdDgK");

  CHECK_INVALID (CHAIN_TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
                 ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6tt",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLjlt",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_TRX, " TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
                 ADDR_BAD_CHARSET);
  CHECK_NORMALIZE (CHAIN_TRX, "TR7NHqjeKQxGTCi8q8\0Y4pL8otSzgjLj6t", 34,
                   ADDR_BAD_CHARSET, NULL);
  /* a Bitcoin address of the same length */
  CHECK_INVALID (CHAIN_TRX, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                 ADDR_BAD_VERSION);
  CHECK_INVALID (CHAIN_TRX, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                 ADDR_BAD_CHARSET);
}

/* Ripple: base58 in its own alphabet ('r' is zero), version 0. */
static void
test_xrp (void)
{
  CHECK_SAME (CHAIN_XRP, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh");  /* genesis */
  CHECK_SAME (CHAIN_XRP, "rrrrrrrrrrrrrrrrrrrrrhoLvTp");  /* ACCOUNT_ZERO */
  CHECK_SAME (CHAIN_XRP, "rrrrrrrrrrrrrrrrrrrrBZbvji");  /* ACCOUNT_ONE */
  CHECK_SAME (CHAIN_XRP, "r3mZvvHVLPtRWAujzBsAoXqH11jhwQZvzY");

  CHECK_INVALID (CHAIN_XRP, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi",
                 ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_XRP, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyT",
                 ADDR_BAD_CHECKSUM);  /* still 25 bytes */
  CHECK_INVALID (CHAIN_XRP, "rHb9CJAWyB4rj91VRWn96DkukG", ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_XRP, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyThh",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_XRP, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyT0",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_XRP, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh ",
                 ADDR_BAD_CHARSET);
  /* under Ripple's alphabet a Bitcoin address is noise */
  CHECK (normalize_exact (CHAIN_XRP, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 34,
                          (char[ADDRESS_MAX + 1]) { 0 }) != ADDR_OK);
}

/* Stellar StrKey accounts: 'G', 56 base32 characters, CRC16-XModem. */
static void
test_xlm (void)
{
  /* SEP-23's example account */
  CHECK_SAME (CHAIN_XLM,
              "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ");
  CHECK_SAME (CHAIN_XLM,
              "GBM3PJWNB5VKNOFXCDTTNXPMUNBMYTLAAPYDIIKLHUGMKX7ZGN2FNGFU");

  /* last character changed */
  CHECK_INVALID (CHAIN_XLM,
                 "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGA",
                 ADDR_BAD_CHECKSUM);
  /* one character in the key changed */
  CHECK_INVALID (CHAIN_XLM,
                 "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UKVSGZ",
                 ADDR_BAD_CHECKSUM);
  CHECK_INVALID (CHAIN_XLM,
                 "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSG",
                 ADDR_BAD_LENGTH);
  CHECK_INVALID (CHAIN_XLM,
                 "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZA",
                 ADDR_BAD_LENGTH);
  /* lower case and base32's excluded digits 0, 1, 8, 9 */
  CHECK_INVALID (CHAIN_XLM,
                 "ga7qynf7sowq3glr2bgmzehxavirza4kvwltjjfc7mgxua74p7ujvsgz",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_XLM,
                 "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSG1",
                 ADDR_BAD_CHARSET);
  CHECK_INVALID (CHAIN_XLM,
                 " GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ",
                 ADDR_BAD_CHARSET);
  /* a sound secret seed ('S', version 18 << 3) is not an account id */
  CHECK_INVALID (CHAIN_XLM,
                 "SBU2RRGLXH3E5CQHTD3ODLDF2BWDCYUSSBLLZ5GNW7JXHDIYKXZWHOKR",
                 ADDR_BAD_VERSION);
}

/* Transaction hashes: 64 hex, 0x exactly on EVM chains, lower case out. */
static void
test_txhash (void)
{
  char out[TXHASH_MAX + 1];
  /* Bitcoin's genesis coinbase transaction */
  const char *btc_tx =
    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
  const char *btc_tx_upper =
    "4A5E1E4BAAB89F3A32518A88C31BC87F618F76673E2CC77AB2127B7AFDEDA33B";
  const char *evm_tx =
    "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";
  const char *evm_tx_mixed =
    "0x5C504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";

  CHECK (txhash_exact (CHAIN_BTC, btc_tx, 64, out) == ADDR_OK);
  CHECK_STR (out, btc_tx);
  CHECK (txhash_exact (CHAIN_TRX, btc_tx_upper, 64, out) == ADDR_OK);
  CHECK_STR (out, btc_tx);
  CHECK (txhash_exact (CHAIN_ETH, evm_tx, 66, out) == ADDR_OK);
  CHECK_STR (out, evm_tx);
  CHECK (txhash_exact (CHAIN_POLYGON, evm_tx_mixed, 66, out) == ADDR_OK);
  CHECK_STR (out, evm_tx);

  CHECK (txhash_exact (CHAIN_ETH, evm_tx + 2, 64, out) == ADDR_BAD_PREFIX);
  CHECK (txhash_exact (CHAIN_ETH, "0X5c504ed432cb51138bcf09aa5e8a410dd4a1e204"
                                  "ef84bfed1be16dfba1b22060", 66, out)
         == ADDR_BAD_PREFIX);
  CHECK (txhash_exact (CHAIN_BTC, evm_tx, 66, out) == ADDR_BAD_PREFIX);
  CHECK (txhash_exact (CHAIN_BTC, btc_tx, 63, out) == ADDR_BAD_LENGTH);
  CHECK (txhash_exact (CHAIN_ETH, evm_tx, 65, out) == ADDR_BAD_LENGTH);
  CHECK (txhash_exact (CHAIN_BTC, "4a5e1e4baab89f3a32518a88c31bc87f618f7667"
                                  "3e2cc77ab2127b7afdeda33g", 64, out)
         == ADDR_BAD_CHARSET);
  CHECK (txhash_exact (CHAIN_BTC, "4a5e1e4baab89f3a32518a88c31bc87f618f7667"
                                  "3e2cc77ab2127b7afdeda3\0b", 64, out)
         == ADDR_BAD_CHARSET);
  CHECK (txhash_exact (CHAIN_BTC, " 4a5e1e4baab89f3a32518a88c31bc87f618f7667"
                                  "3e2cc77ab2127b7afdeda33b", 65, out)
         == ADDR_BAD_LENGTH);
  CHECK (txhash_exact (CHAIN_BTC, "", 0, out) == ADDR_EMPTY);
  CHECK (txhash_normalize (CHAIN_ETH, NULL, 0, out) == ADDR_EMPTY);
  CHECK_STR (out, "");
}

/* Inputs no caller should send, on every chain: nothing, too much, every
 * single byte, and each valid address cut at every length (read past `len`
 * would show as a heap overflow). None may be accepted except the whole. */
static void
test_hostile_inputs (void)
{
  static const char *const valid[CHAIN_COUNT] = {
    [CHAIN_BTC] = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    [CHAIN_ETH] = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    [CHAIN_TRX] = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    [CHAIN_BSC] = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    [CHAIN_ARB] = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    [CHAIN_POLYGON] = "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    [CHAIN_LTC] = "LQtFoidy5TmLrPP77MZzgMRffqPsmRfMXE",
    [CHAIN_XRP] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
    [CHAIN_XLM] = "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ",
  };
  char out[ADDRESS_MAX + 1];
  char big[4096];

  memset (big, '1', sizeof big);
  for (int c = 0; c < CHAIN_COUNT; c++)
  {
    size_t len = strlen (valid[c]);

    CHECK (address_normalize ((enum chain) c, NULL, 0, out) == ADDR_EMPTY);
    CHECK_NORMALIZE ((enum chain) c, "", (size_t) 0, ADDR_EMPTY, NULL);
    CHECK_NORMALIZE ((enum chain) c, big, (size_t) ADDRESS_MAX + 1,
                     ADDR_BAD_LENGTH, NULL);
    CHECK_NORMALIZE ((enum chain) c, big, sizeof big, ADDR_BAD_LENGTH, NULL);

    for (int b = 0; b < 256; b++)
    {
      char one = (char) b;
      CHECK (normalize_exact ((enum chain) c, &one, 1, out) != ADDR_OK);
    }
    for (size_t cut = 0; cut < len; cut++)
    {
      CHECK (normalize_exact ((enum chain) c, valid[c], cut, out) != ADDR_OK);
      CHECK_STR (out, "");
    }
    CHECK (normalize_exact ((enum chain) c, valid[c], len, out) == ADDR_OK);

    /* a NUL in place of each character */
    char copy[ADDRESS_MAX];
    for (size_t i = 0; i < len; i++)
    {
      memcpy (copy, valid[c], len);
      copy[i] = '\0';
      enum addr_error want = (chain_is_evm ((enum chain) c) && i < 2)
                             ? ADDR_BAD_PREFIX : ADDR_BAD_CHARSET;
      CHECK_NORMALIZE ((enum chain) c, copy, len, want, NULL);
    }
  }
  CHECK (address_normalize (CHAIN_COUNT, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                            34, out) != ADDR_OK);
}

/* Every error has its own short sentence. */
static void
test_error_reasons (void)
{
  CHECK_STR (addr_error_reason (ADDR_BAD_CHECKSUM), "checksum does not match");
  CHECK_STR (addr_error_reason (ADDR_BAD_EIP55),
             "mixed-case address fails its EIP-55 checksum");
  for (int a = ADDR_OK; a <= ADDR_BAD_EIP55; a++)
  {
    const char *reason = addr_error_reason ((enum addr_error) a);
    CHECK (reason != NULL && reason[0] != '\0');
    for (int b = ADDR_OK; b < a; b++)
      CHECK (strcmp (reason, addr_error_reason ((enum addr_error) b)) != 0);
  }
}

/* OFAC publishes TUCsTq7... under "XBT", but it is a TRON address (version
 * byte 0x41, checksum valid): refused as btc, accepted as trx. riskd's copy
 * of the data files it under trx (data/NOTES.md). */
static void
test_misfiled_ofac_address (void)
{
  const char *a = "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq";
  char out[ADDRESS_MAX + 1];

  CHECK (address_normalize (CHAIN_BTC, a, strlen (a), out) == ADDR_BAD_VERSION);
  CHECK (address_normalize (CHAIN_TRX, a, strlen (a), out) == ADDR_OK);
  CHECK_STR (out, a);
}

/** Validates every row of one seed CSV (chain,address,...); returns the
 * number of rows read and adds the ones that passed to `passed`. */
static int
check_seed_file (const char *path, int passed[CHAIN_COUNT])
{
  FILE *f = fopen (path, "r");
  char line[4096];
  int rows = 0, line_no = 0;

  if (f == NULL)
  {
    printf ("#   cannot open %s (run from the repository root)\n", path);
    unit_current_failed = 1;
    return 0;
  }
  while (fgets (line, sizeof line, f) != NULL)
  {
    line_no++;
    line[strcspn (line, "\r\n")] = '\0';  /* the OFAC file has CRLF */
    if (line_no == 1 || line[0] == '\0')
      continue;  /* header */
    char *comma1 = strchr (line, ',');
    char *comma2 = comma1 ? strchr (comma1 + 1, ',') : NULL;
    if (comma2 == NULL)
    {
      printf ("#   %s:%d: not chain,address,...\n", path, line_no);
      unit_current_failed = 1;
      continue;
    }
    *comma1 = *comma2 = '\0';
    const char *chain_text = line, *address = comma1 + 1;
    size_t address_len = (size_t) (comma2 - address);
    rows++;

    int chain = chain_from_name (chain_text, strlen (chain_text));
    if (chain < 0)
    {
      printf ("#   %s:%d: unknown chain \"%s\"\n", path, line_no, chain_text);
      unit_current_failed = 1;
      continue;
    }
    char out[ADDRESS_MAX + 1];
    enum addr_error err = normalize_exact ((enum chain) chain, address,
                                           address_len, out);
    if (err != ADDR_OK)
    {
      printf ("#   %s:%d: %s %s: %s\n", path, line_no, chain_text, address,
              addr_error_reason (err));
      unit_current_failed = 1;
      continue;
    }
    /* canonical form differs from the published text by case at most */
    if (strlen (out) != address_len || strcasecmp (out, address) != 0)
    {
      printf ("#   %s:%d: canonical form %s of %s\n", path, line_no, out,
              address);
      unit_current_failed = 1;
      continue;
    }
    passed[chain]++;
  }
  fclose (f);
  return rows;
}

/* Every address in data/ validates for its chain; the counts are printed
 * per chain. */
static void
test_seed_files (void)
{
  static const char *const files[] = { "data/incident_addresses.csv",
                                       "data/ofac_sdn_addresses.csv" };

  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
  {
    int passed[CHAIN_COUNT] = { 0 };
    int rows = check_seed_file (files[i], passed);
    int total = 0;

    printf ("# %s: %d rows;", files[i], rows);
    for (int c = 0; c < CHAIN_COUNT; c++)
      if (passed[c] > 0)
      {
        printf (" %s %d", chain_name ((enum chain) c), passed[c]);
        total += passed[c];
      }
    printf ("; %d valid\n", total);
    CHECK (rows > 0);
  }
}

int
main (void)
{
  RUN (test_sha256);
  RUN (test_keccak256);
  RUN (test_chain_names);
  RUN (test_evm_valid);
  RUN (test_evm_invalid);
  RUN (test_btc_base58);
  RUN (test_btc_segwit);
  RUN (test_segwit_tb);
  RUN (test_bech32_strings);
  RUN (test_ltc);
  RUN (test_trx);
  RUN (test_xrp);
  RUN (test_xlm);
  RUN (test_txhash);
  RUN (test_hostile_inputs);
  RUN (test_error_reasons);
  RUN (test_misfiled_ofac_address);
  RUN (test_seed_files);
  return unit_done ();
}

/* end of test_address.c */
