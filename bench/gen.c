/*
 * gen.c -- a deterministic, synthetic graph of fund flows for riskd's
 * benchmarks (bench/README.md).
 *
 *   bench/gen --flows N [--seed S] --out DIR [--ndjson]
 *
 * writes, into DIR:
 *   flows.csv      N flows, header chain,tx_hash,idx,from,to,asset,amount,usd,
 *                  time,block,pos (SPEC section 3), in time order
 *   flows.ndjson   the same flows as NDJSON (only with --ndjson)
 *   labels.csv     labels of the synthetic exchanges, mixers and bridges
 *   addresses.txt  "chain address" of every address that appears in a flow
 *                  and that is not a service wallet, in a shuffled order
 *                  (the uncached and batch benchmarks walk it)
 *   tainted.txt    "chain address" of the launderers' own addresses, in the
 *                  order they were created
 * and prints a summary (addresses and flows by kind) on stderr.
 *
 * The same N and S give the same bytes. Output is streamed: memory is a few
 * bounded tables plus one bit per user (about N/32 bytes), whatever N.
 *
 * The world: two EVM chains (eth, bsc; about 90/10). On each,
 *   - exchanges (Zipf sizes) with hot wallets and a cold wallet, and one
 *     deposit address per customer; deposits are swept into a hot wallet
 *     10 min to 6 h later; hot wallets pay out withdrawals;
 *   - ordinary users whose activity is Pareto-like (few very busy, many
 *     seen once or twice), paying each other, depositing, withdrawing,
 *     using DeFi hubs (unlabelled high-degree contracts) and mixers;
 *   - mixers (labelled `mixer`): pools of fixed denominations, many in,
 *     many out;
 *   - a trickle of payments to and from OFAC-sanctioned addresses;
 *   - hacks: a bridge or an exchange hot wallet is drained into a seeded,
 *     hack-labelled address (real Lazarus thefts of riskd's seed data, so
 *     the seed must be loaded), which fans the loot out to 8..64 fresh
 *     addresses; each branch is then laundered through a peel chain (each
 *     hop peels 2-8 % off to an exchange deposit or a user and passes the
 *     rest on), a mixer (deposits of fixed denominations, withdrawals to
 *     fresh addresses later), or a few hops (sometimes a swap through a DeFi
 *     hub), and ends in exchange deposit addresses, themselves swept.
 * Time runs over two years from 2022-01-01; values are in USD (every flow
 * has `usd`), amounts in asset units at a moving price; 60 % of the
 * transactions carry block and pos.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---------------------------------------------------------------- world */

enum { ETH, BSC, NCHAIN };
static const char *const chain_names[NCHAIN] = { "eth", "bsc" };

enum asset { A_ETH, A_USDT, A_USDC, A_BNB, NASSET };
static const char *const asset_names[NASSET] = { "ETH", "USDT", "USDC", "BNB" };

/** Kinds of generated addresses (part of the address's derivation). */
enum kind { K_LIT, K_USER, K_DEPOSIT, K_HOT, K_COLD, K_MIXER, K_HUB,
            K_LAUNDER, K_BRIDGE };

/** Seeded hack-labelled addresses (riskd's data/incident_addresses.csv). */
static const char *const eth_hack[] = {
  "0x098b716b8aaf21512996dc57eb0615e2383e2f96", /* 2022-03-ronin-bridge */
  "0x0d043128146654c7683fbf30ac98d7b2285ded00", /* 2022-06-harmony-bridge */
  "0x483d88278cbc0c9105c4807d558e06782aeff584", /* 2023-09-coinex */
  "0x3130662aece32f05753d00a7b95c0444150bcd3c", /* 2023-09-stake */
  "0x0a5984f86200415894821bfefc1c1de036dbf9e7", /* 2023-11-poloniex */
  "0x9263e7873613ddc598a701709875634819176aff", /* 2023-12-orbit-bridge */
  "0x121a0ff24027fffcdd0ae008da82f2789c7945cc", /* 2023-11-htx-heco */
  "0x0fa09c3a328792253f8dee7116848723b72a6d2e", /* 2025-02-bybit */
  "0x6eedf92fb92dd68a270c3205e96dccc527728066", /* 2024-07-wazirx */
  "0xe708f17240732bbfa1baa8513f66b665fbc7ce10", /* 2022-03-ronin-bridge */
  "0x9e91ae672e7f7330fc6b9bab9c259bd94cd08715", /* 2022-06-harmony-bridge */
  "0xa09871aeadf4994ca12f5c0b6056bbd1d343c029", /* 2019-11-upbit */
  "0xeb31973e0febf3e3d7058234a5ebbae1ab4b8c23", /* 2020-09-kucoin */
  "0xf6884686a999f5ae6c1af03db92bab9c6d7dc8de", /* 2018-06-coinrail */
  "0x47666fab8bd0ac7003bce3f5c3585383f09486e2", /* 2025-02-bybit */
  "0x04b21735e93fa3f8df70e2da89e6922616891a88", /* 2024-07-wazirx */
};
static const char *const bsc_hack[] = {
  "0x6953704e753c6fd70eb6b083313089e4fc258a20", /* 2023-09-coinex */
  "0x4464e91002c63a623a8a218bd5dd1f041b61ec04", /* 2023-09-stake */
  "0xc844f7178379782ec19f3ee6e399f2eb7b2b984f", /* 2023-09-coinex */
  "0x0004a76e39d33edfeac7fc3c8d3994f54428a0be", /* 2023-09-stake */
};
/** Seeded OFAC SDN addresses on eth (data/ofac_sdn_addresses.csv). */
static const char *const eth_ofac[] = {
  "0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1",
  "0x03893a7c7463ae47d46bc7f091665f1893656003",
  "0x04dba1194ee10112fe6c3207c0687def0e78bacf",
  "0x05e0b5b40b7b66098c2161a5ee11c5740a3a7c45",
  "0x07687e702b410fa43f4cb4af7fa097918ffd2730",
  "0x0836222f2b2b24a3f36f98668ed8f0b38d1a872f",
};
#define NELEM(a) (sizeof (a) / sizeof *(a))

#define N_EX        16   /* exchanges per chain (bsc uses the first 6) */
#define HOT_PER_EX  4    /* hot wallets per exchange at most */
#define N_MIXER     3    /* mixers on eth (1 on bsc), 4 pools each */
#define N_HUB       24   /* DeFi hubs on eth (8 on bsc) */
#define N_BRIDGE    4    /* bridges per chain (hack victims) */

static const double denominations[4] = { 0.1, 1, 10, 100 };

static const int64_t T0 = 1640995200;          /* 2022-01-01T00:00:00Z */
static const double SPAN = 730.0 * 86400;       /* two years */
static const int64_t BLOCK0[NCHAIN] = { 13916166, 13950000 };
static const int BLOCK_S[NCHAIN] = { 12, 3 };

/* --------------------------------------------------------------- random */

static uint64_t seedmix;

/** splitmix64's finalizer: a bijection on 64 bits. */
static inline uint64_t
mix64 (uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t rs[4];

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

/** xoshiro256** */
static inline uint64_t
rnd (void)
{
  uint64_t r = rotl (rs[1] * 5, 7) * 9, t = rs[1] << 17;
  rs[2] ^= rs[0]; rs[3] ^= rs[1]; rs[1] ^= rs[2]; rs[0] ^= rs[3];
  rs[2] ^= t; rs[3] = rotl (rs[3], 45);
  return r;
}

static inline double
unif (void)
{
  return (double) (rnd () >> 11) * 0x1.0p-53;
}

static inline uint64_t
below (uint64_t n)
{
  return n ? rnd () % n : 0;
}

static double
gauss (void)
{
  double u = unif (), v = unif ();
  return sqrt (-2 * log (u + 1e-300)) * cos (6.283185307179586 * v);
}

/** A hash of (what, id) in [0,1). */
static double
hash01 (uint64_t what, uint64_t id)
{
  return (double) (mix64 (mix64 (what ^ seedmix) + id) >> 11) * 0x1.0p-53;
}

/** Lognormal USD value with median `med`, clipped. */
static double
usd_value (double med, double sigma, double lo, double hi)
{
  double v = med * exp (sigma * gauss ());
  return v < lo ? lo : v > hi ? hi : v;
}

/* ------------------------------------------------------------ addresses */

typedef struct {
  uint8_t kind;
  uint8_t chain;
  uint64_t id;
  const char *lit;      /* K_LIT: the address itself */
} addr_t;

static addr_t
A (int chain, int kind, uint64_t id)
{
  addr_t a = { (uint8_t) kind, (uint8_t) chain, id, NULL };
  return a;
}

static addr_t
LIT (int chain, const char *s)
{
  addr_t a = { K_LIT, (uint8_t) chain, 0, s };
  return a;
}

static const char hexd[] = "0123456789abcdef";

static inline char *
put_hex64 (char *p, uint64_t w, int digits)
{
  for (int i = 0; i < digits; i++)
    p[i] = hexd[(w >> (60 - 4 * i)) & 15];
  return p + digits;
}

/** Writes the 42-character address. The first 64 bits are a bijection of
 *  (chain, kind, id), so generated addresses never collide. */
static char *
put_addr (char *p, addr_t a)
{
  if (a.kind == K_LIT)
  {
    memcpy (p, a.lit, 42);
    return p + 42;
  }
  uint64_t tag = ((uint64_t) a.chain << 60) | ((uint64_t) a.kind << 52) | a.id;
  uint64_t w0 = mix64 (tag ^ seedmix);
  *p++ = '0';
  *p++ = 'x';
  p = put_hex64 (p, w0, 16);
  p = put_hex64 (p, mix64 (w0 + 0x9e3779b97f4a7c15ULL), 16);
  return put_hex64 (p, mix64 (w0 + 0x3c6ef372fe94f82aULL), 8);
}

static char *
put_txhash (char *p, uint64_t tx)
{
  uint64_t w0 = mix64 (tx ^ (seedmix * 3 + 1));
  *p++ = '0';
  *p++ = 'x';
  p = put_hex64 (p, w0, 16);
  p = put_hex64 (p, mix64 (w0 + 1), 16);
  p = put_hex64 (p, mix64 (w0 + 2), 16);
  return put_hex64 (p, mix64 (w0 + 3), 16);
}

/* --------------------------------------------------------------- output */

#define OBUF (1 << 20)
struct out {
  FILE *f;
  char *buf;
  size_t len;
};

static void
out_flush (struct out *o)
{
  if (o->len && fwrite (o->buf, 1, o->len, o->f) != o->len)
  {
    perror ("gen: write");
    exit (1);
  }
  o->len = 0;
}

/** Room for one more record. */
static inline char *
out_reserve (struct out *o)
{
  if (o->len > OBUF - 1024)
    out_flush (o);
  return o->buf + o->len;
}

static void
out_open (struct out *o, const char *dir, const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  o->f = fopen (path, "w");
  if (o->f == NULL)
  {
    fprintf (stderr, "gen: %s: %s\n", path, strerror (errno));
    exit (1);
  }
  o->buf = malloc (OBUF);
  o->len = 0;
}

static void
out_close (struct out *o)
{
  out_flush (o);
  if (fclose (o->f) != 0)
  {
    perror ("gen: close");
    exit (1);
  }
  free (o->buf);
}

static inline char *
put_str (char *p, const char *s)
{
  size_t n = strlen (s);
  memcpy (p, s, n);
  return p + n;
}

static char *
put_u64 (char *p, uint64_t v)
{
  char tmp[24];
  int n = 0;
  do
    tmp[n++] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  while (n)
    *p++ = tmp[--n];
  return p;
}

/** A positive decimal with at most `dec` decimals, trailing zeros trimmed,
 *  never zero (at least one unit of the last decimal). */
static char *
put_dec (char *p, double v, int dec)
{
  static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
                                    10000000, 100000000 };
  uint64_t scaled = (uint64_t) llround (v * (double) pow10[dec]);
  if (scaled == 0)
    scaled = 1;
  p = put_u64 (p, scaled / pow10[dec]);
  uint64_t frac = scaled % pow10[dec];
  if (frac)
  {
    int d = dec;
    while (frac % 10 == 0)
    {
      frac /= 10;
      d--;
    }
    *p++ = '.';
    for (int i = d - 1; i >= 0; i--)
    {
      p[i] = (char) ('0' + frac % 10);
      frac /= 10;
    }
    p += d;
  }
  return p;
}

/* ----------------------------------------------------------------- time */

static double clock_s;          /* seconds since T0, increasing */
static double step_s;           /* mean seconds per flow */

/** 2022-01-01T00:00:00Z style, for seconds since the Unix epoch. */
static char *
put_time (char *p, int64_t t)
{
  static int64_t cached_day = -1;
  static char day[32];
  int64_t d = t / 86400, s = t % 86400;
  if (d != cached_day)
  {
    /* civil_from_days (H. Hinnant) */
    int64_t z = d + 719468, era = z / 146097;
    unsigned doe = (unsigned) (z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t) yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    y += mm <= 2;
    snprintf (day, sizeof day, "%04d-%02u-%02u", (int) y, mm, dd);
    cached_day = d;
  }
  memcpy (p, day, 10);
  p += 10;
  int h = (int) (s / 3600), m = (int) (s / 60 % 60), sec = (int) (s % 60);
  *p++ = 'T';
  *p++ = (char) ('0' + h / 10); *p++ = (char) ('0' + h % 10); *p++ = ':';
  *p++ = (char) ('0' + m / 10); *p++ = (char) ('0' + m % 10); *p++ = ':';
  *p++ = (char) ('0' + sec / 10); *p++ = (char) ('0' + sec % 10);
  *p++ = 'Z';
  return p;
}

/** Price in USD of one unit of the asset at `t` seconds since T0. */
static double
price (int asset, double t)
{
  double d = t / 86400;
  switch (asset)
  {
  case A_ETH:
    return 2400 + 900 * sin (6.283185307179586 * d / 365) + 250 * sin (6.283185307179586 * d / 41);
  case A_BNB:
    return 320 + 60 * sin (6.283185307179586 * d / 300) + 20 * sin (6.283185307179586 * d / 29);
  default:
    return 1;
  }
}

/* ---------------------------------------------------------------- flows */

enum fkind {
  F_P2P, F_DEPOSIT, F_SWEEP, F_WITHDRAW, F_COLD, F_HUB_IN, F_HUB_OUT,
  F_MIX_IN, F_MIX_OUT, F_SANCTIONED, F_THEFT, F_FANOUT, F_PEEL, F_PEEL_OFF,
  F_L_MIX_IN, F_L_MIX_OUT, F_L_HOP, F_L_SWAP, F_L_DEPOSIT, NFKIND
};
static const char *const fkind_names[NFKIND] = {
  "user -> user", "user -> deposit address", "sweep deposit -> hot wallet",
  "withdrawal hot wallet -> user", "hot <-> cold wallet", "user -> DeFi hub",
  "DeFi hub -> user", "user -> mixer", "mixer -> user",
  "user <-> OFAC-sanctioned", "theft victim -> hack address",
  "hack fan-out", "peel chain hop", "peel chain peel-off",
  "launderer -> mixer", "mixer -> launderer", "launderer hop",
  "launderer swap via DeFi hub", "launderer -> exchange deposit"
};

static uint64_t n_flows, max_flows, n_tx;
static uint64_t fk_count[NFKIND];
static struct out o_csv, o_nd, o_tainted;
static int want_ndjson;

/* the transaction being written */
static struct {
  int chain;
  uint64_t tx;
  char hash[67];
  char time[21];
  int has_block;
  int64_t block;
  int pos;
  int idx;
} cur;
static int64_t last_block[NCHAIN] = { -1, -1 };
static int block_pos[NCHAIN];

/** Starts a transaction at the current clock. */
static void
tx_begin (int chain)
{
  cur.chain = chain;
  cur.tx = n_tx++;
  put_txhash (cur.hash, cur.tx);
  cur.hash[66] = 0;
  cur.idx = 0;
  cur.has_block = mix64 (cur.tx ^ 0x5bd1e995ULL ^ seedmix) % 100 < 60;
  int64_t t = T0 + (int64_t) clock_s;
  if (cur.has_block)
  {
    int64_t b = BLOCK0[chain] + (int64_t) clock_s / BLOCK_S[chain];
    if (b != last_block[chain])
    {
      last_block[chain] = b;
      block_pos[chain] = (int) below (8);
    }
    cur.block = b;
    cur.pos = block_pos[chain]++;
    t = T0 + (b - BLOCK0[chain]) * BLOCK_S[chain];   /* the block's time */
  }
  *put_time (cur.time, t) = 0;
}

/** Moves the clock on by about one flow's worth of time per flow. */
static void
tick (int flows)
{
  clock_s += step_s * flows * (0.5 + unif ());
  if (clock_s > SPAN)
    clock_s = SPAN;
}

/** Writes one flow of the current transaction; 0 once N flows are out. */
static int
emit (addr_t from, addr_t to, int asset, double usd, int kind)
{
  if (n_flows >= max_flows)
    return 0;
  double amount = usd / price (asset, clock_s);
  char af[64], uf[64];
  *put_dec (af, amount, 8) = 0;
  *put_dec (uf, usd, 2) = 0;

  char *p = out_reserve (&o_csv), *s = p;
  p = put_str (p, chain_names[cur.chain]); *p++ = ',';
  memcpy (p, cur.hash, 66); p += 66; *p++ = ',';
  p = put_u64 (p, (uint64_t) cur.idx); *p++ = ',';
  p = put_addr (p, from); *p++ = ',';
  p = put_addr (p, to); *p++ = ',';
  p = put_str (p, asset_names[asset]); *p++ = ',';
  p = put_str (p, af); *p++ = ',';
  p = put_str (p, uf); *p++ = ',';
  memcpy (p, cur.time, 20); p += 20; *p++ = ',';
  if (cur.has_block)
  {
    p = put_u64 (p, (uint64_t) cur.block); *p++ = ',';
    p = put_u64 (p, (uint64_t) cur.pos);
  }
  else
    *p++ = ',';
  *p++ = '\n';
  o_csv.len += (size_t) (p - s);

  if (want_ndjson)
  {
    p = out_reserve (&o_nd), s = p;
    p = put_str (p, "{\"chain\":\""); p = put_str (p, chain_names[cur.chain]);
    p = put_str (p, "\",\"tx_hash\":\""); memcpy (p, cur.hash, 66); p += 66;
    p = put_str (p, "\",\"idx\":"); p = put_u64 (p, (uint64_t) cur.idx);
    p = put_str (p, ",\"from\":\""); p = put_addr (p, from);
    p = put_str (p, "\",\"to\":\""); p = put_addr (p, to);
    p = put_str (p, "\",\"asset\":\""); p = put_str (p, asset_names[asset]);
    p = put_str (p, "\",\"amount\":\""); p = put_str (p, af);
    p = put_str (p, "\",\"usd\":\""); p = put_str (p, uf);
    p = put_str (p, "\",\"time\":\""); memcpy (p, cur.time, 20); p += 20;
    *p++ = '"';
    if (cur.has_block)
    {
      p = put_str (p, ",\"block\":"); p = put_u64 (p, (uint64_t) cur.block);
      p = put_str (p, ",\"pos\":"); p = put_u64 (p, (uint64_t) cur.pos);
    }
    p = put_str (p, "}\n");
    o_nd.len += (size_t) (p - s);
  }
  cur.idx++;
  n_flows++;
  fk_count[kind]++;
  return 1;
}

/** A one-flow transaction now, then the clock moves on. */
static void
flow1 (int chain, addr_t from, addr_t to, int asset, double usd, int kind)
{
  tx_begin (chain);
  emit (from, to, asset, usd, kind);
  tick (1);
}

/* ------------------------------------------------------------ the world */

struct world {
  int chain;
  uint64_t n_users;
  int n_ex, n_mixer, n_hub;
  double ex_cum[N_EX];            /* cumulative Zipf weights of exchanges */
  uint8_t *user_seen;             /* bit per user */
  uint8_t *dep_seen;              /* bit per user deposit address */
  uint64_t n_launder;             /* launderers' addresses made */
  uint64_t n_ldeposit;            /* launderers' deposit addresses made */
  const char *const *hack_src;
  int n_hack_src;
  int native;                     /* A_ETH or A_BNB */
};
static struct world W[NCHAIN];

static int
hot_count (int ex)
{
  return ex < 3 ? 4 : ex < 8 ? 2 : 1;
}

/** The exchange of a deposit address (Zipf over exchanges). */
static int
exchange_of (const struct world *w, uint64_t dep)
{
  double x = hash01 (0xe8c4 + (uint64_t) w->chain, dep);
  for (int e = 0; e < w->n_ex; e++)
    if (x < w->ex_cum[e])
      return e;
  return w->n_ex - 1;
}

static addr_t
hot_wallet (const struct world *w, int ex, uint64_t pick)
{
  return A (w->chain, K_HOT, (uint64_t) ex * HOT_PER_EX + pick % (uint64_t) hot_count (ex));
}

/** A user, Pareto-like: id = n * u^2 (user 0 busiest). */
static uint64_t
pick_user (struct world *w)
{
  double u = unif ();
  uint64_t id = (uint64_t) ((double) w->n_users * u * u);
  if (id >= w->n_users)
    id = w->n_users - 1;
  w->user_seen[id >> 3] |= (uint8_t) (1u << (id & 7));
  return id;
}

static int
pick_hub (struct world *w)
{
  double u = unif ();
  return (int) ((double) w->n_hub * u * u * u);
}

/** A user's everyday asset. */
static int
user_asset (const struct world *w)
{
  double u = unif ();
  if (w->chain == BSC)
    return u < 0.6 ? A_BNB : A_USDT;
  return u < 0.65 ? A_ETH : u < 0.9 ? A_USDT : A_USDC;
}

/* Deposits waiting to be swept into a hot wallet: a bounded FIFO. */
#define SWEEP_CAP (1 << 16)
struct sweep {
  double due, usd;
  uint64_t dep;          /* deposit id: < n_users a user's, else a launderer's */
  uint8_t chain, asset;
};
static struct sweep ring[SWEEP_CAP];
static size_t ring_head, ring_len;

static void
sweep_push (int chain, uint64_t dep, int asset, double usd)
{
  if (ring_len == SWEEP_CAP)
    return;     /* never reached with the delays below: at most ~1000 wait */
  struct sweep *s = &ring[(ring_head + ring_len++) % SWEEP_CAP];
  s->due = clock_s + step_s * (10 + 290 * unif ()) + 600;
  s->usd = usd;
  s->dep = dep;
  s->chain = (uint8_t) chain;
  s->asset = (uint8_t) asset;
}

static void
sweep_pop (void)
{
  struct sweep s = ring[ring_head];
  ring_head = (ring_head + 1) % SWEEP_CAP;
  ring_len--;
  struct world *w = &W[s.chain];
  int ex = exchange_of (w, s.dep);
  double fee = s.asset == A_USDT || s.asset == A_USDC ? 1.0 : 0.0;
  flow1 (s.chain, A (s.chain, K_DEPOSIT, s.dep), hot_wallet (w, ex, s.dep),
         s.asset, s.usd > fee + 1 ? s.usd - fee : s.usd, F_SWEEP);
}

/** A fresh deposit address for a launderer (a new customer account). */
static uint64_t
launder_deposit (struct world *w)
{
  return w->n_users + w->n_ldeposit++;
}

/** A fresh address of a launderer, recorded in tainted.txt. */
static addr_t
launder_addr (struct world *w)
{
  addr_t a = A (w->chain, K_LAUNDER, w->n_launder++);
  char *p = out_reserve (&o_tainted);
  char *s = p;
  p = put_str (p, chain_names[w->chain]);
  *p++ = ' ';
  p = put_addr (p, a);
  *p++ = '\n';
  o_tainted.len += (size_t) (p - s);
  return a;
}

/** One everyday flow. */
static void
background (struct world *w)
{
  int c = w->chain;
  double r = unif ();
  int asset = user_asset (w);
  double usd = usd_value (300, 1.6, 1, 2e6);

  if (r < 0.38)
  {
    uint64_t a = pick_user (w), b = pick_user (w);
    if (a == b)
      b = (b + 1) % w->n_users;
    w->user_seen[b >> 3] |= (uint8_t) (1u << (b & 7));
    flow1 (c, A (c, K_USER, a), A (c, K_USER, b), asset, usd, F_P2P);
  }
  else if (r < 0.60)
  {
    uint64_t u = pick_user (w);
    w->dep_seen[u >> 3] |= (uint8_t) (1u << (u & 7));
    flow1 (c, A (c, K_USER, u), A (c, K_DEPOSIT, u), asset, usd, F_DEPOSIT);
    sweep_push (c, u, asset, usd);
  }
  else if (r < 0.80)
  {
    uint64_t u = pick_user (w);
    int ex = exchange_of (w, u);
    flow1 (c, hot_wallet (w, ex, rnd ()), A (c, K_USER, u), asset, usd, F_WITHDRAW);
  }
  else if (r < 0.805)
  {
    int ex = (int) below ((uint64_t) w->n_ex);
    double big = usd_value (2e6, 1.0, 1e4, 1e9);
    if (unif () < 0.5)
      flow1 (c, hot_wallet (w, ex, rnd ()), A (c, K_COLD, (uint64_t) ex), w->native, big, F_COLD);
    else
      flow1 (c, A (c, K_COLD, (uint64_t) ex), hot_wallet (w, ex, rnd ()), w->native, big, F_COLD);
  }
  else if (r < 0.97)
  {
    uint64_t u = pick_user (w);
    int h = pick_hub (w);
    if (unif () < 0.5)
      flow1 (c, A (c, K_USER, u), A (c, K_HUB, (uint64_t) h), asset, usd, F_HUB_IN);
    else
      flow1 (c, A (c, K_HUB, (uint64_t) h), A (c, K_USER, u), asset, usd, F_HUB_OUT);
  }
  else if (r < 0.995)
  {
    /* mixers: fixed denominations of the native asset */
    uint64_t u = pick_user (w);
    int m = (int) below ((uint64_t) w->n_mixer), d = (int) below (3);
    double v = denominations[d] * price (w->native, clock_s);
    addr_t pool = A (c, K_MIXER, (uint64_t) (m * 4 + d));
    if (unif () < 0.5)
      flow1 (c, A (c, K_USER, u), pool, w->native, v, F_MIX_IN);
    else
      flow1 (c, pool, A (c, K_USER, u), w->native, v * 0.997, F_MIX_OUT);
  }
  else
  {
    uint64_t u = pick_user (w);
    if (c != ETH)
    {
      flow1 (c, A (c, K_USER, u), A (c, K_USER, pick_user (w)), asset, usd, F_P2P);
      return;
    }
    addr_t s = LIT (ETH, eth_ofac[below (NELEM (eth_ofac))]);
    if (unif () < 0.5)
      flow1 (c, A (c, K_USER, u), s, asset, usd, F_SANCTIONED);
    else
      flow1 (c, s, A (c, K_USER, u), asset, usd, F_SANCTIONED);
  }
}

/* ---------------------------------------------------------------- hacks */

#define MAX_ACTIVE 8
#define MAX_BRANCH 64

enum mode { M_PEEL, M_MIX, M_HOP };

struct branch {
  uint8_t mode, state, live;
  addr_t at;          /* where the loot is */
  double usd;
  int steps;          /* peel hops or plain hops left; mixer chunks */
  int done_chunks;    /* mixer: withdrawals made */
  int n_chunks;       /* mixer: deposits made */
  int pool;           /* mixer pool */
  double chunk;       /* mixer chunk in USD */
  addr_t fresh;       /* mixer: the withdrawal awaiting its deposit */
};

struct hack {
  int used;
  int chain;
  int stage;          /* 0: theft due, 1: fan-out due, 2: branches */
  addr_t src;
  double usd;
  int asset;
  int nb, live;
  struct branch br[MAX_BRANCH];
};
static struct hack hacks[MAX_ACTIVE];
static uint64_t hacks_started;

/* Events of the hacks in progress, a min-heap on `due`. */
struct event {
  double due;
  int hack, branch;   /* branch -1: the hack's own stage */
};
static struct event heap[MAX_ACTIVE * (MAX_BRANCH + 1)];
static int heap_n;

static void
heap_push (double due, int h, int b)
{
  int i = heap_n++;
  while (i > 0)
  {
    int p = (i - 1) / 2;
    if (heap[p].due <= due)
      break;
    heap[i] = heap[p];
    i = p;
  }
  heap[i].due = due;
  heap[i].hack = h;
  heap[i].branch = b;
}

static struct event
heap_pop (void)
{
  struct event top = heap[0], last = heap[--heap_n];
  int i = 0;
  for (;;)
  {
    int c = 2 * i + 1;
    if (c >= heap_n)
      break;
    if (c + 1 < heap_n && heap[c + 1].due < heap[c].due)
      c++;
    if (last.due <= heap[c].due)
      break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = last;
  return top;
}

/** A delay of `lo`..`hi` mean flow-steps, and never under one block
 *  (2 min), so the next step of a laundering path comes strictly later. */
static double
later (double lo, double hi)
{
  double d = step_s * (lo + (hi - lo) * unif ());
  return clock_s + (d < 120 ? 120 : d);
}

static int
start_hack (void)
{
  int h;
  for (h = 0; h < MAX_ACTIVE && hacks[h].used; h++)
    ;
  if (h == MAX_ACTIVE)
    return -1;
  struct hack *k = &hacks[h];
  memset (k, 0, sizeof *k);
  k->used = 1;
  k->chain = unif () < 0.85 ? ETH : BSC;
  struct world *w = &W[k->chain];
  k->src = LIT (k->chain, w->hack_src[hacks_started % (uint64_t) w->n_hack_src]);
  k->usd = usd_value (2e7, 1.2, 2e5, 6e8);
  k->asset = unif () < 0.6 ? w->native : A_USDT;
  hacks_started++;
  heap_push (clock_s, h, -1);
  return h;
}

/** Ends a branch: the rest goes to a fresh exchange deposit address. */
static void
branch_to_exchange (struct hack *k, struct branch *b, int kind)
{
  struct world *w = &W[k->chain];
  uint64_t dep = launder_deposit (w);
  flow1 (k->chain, b->at, A (k->chain, K_DEPOSIT, dep), k->asset, b->usd, kind);
  sweep_push (k->chain, dep, k->asset, b->usd);
  b->live = 0;
  k->live--;
}

static void
hack_stage (int h)
{
  struct hack *k = &hacks[h];
  struct world *w = &W[k->chain];
  int c = k->chain;

  if (k->stage == 0)
  {
    /* the theft: a bridge or an exchange's hot wallet is drained */
    addr_t victim = unif () < 0.5
      ? A (c, K_BRIDGE, below (N_BRIDGE))
      : hot_wallet (w, (int) below ((uint64_t) w->n_ex), rnd ());
    flow1 (c, victim, k->src, k->asset, k->usd, F_THEFT);
    k->stage = 1;
    heap_push (later (2, 30), h, -1);
    return;
  }
  /* the fan-out, in one transaction (a disperse contract) or in many */
  int nb = 8 + (int) below (MAX_BRANCH - 8 + 1);
  double wsum = 0, wts[MAX_BRANCH];
  for (int i = 0; i < nb; i++)
    wsum += wts[i] = 0.3 + unif ();
  int one_tx = unif () < 0.5;
  if (one_tx)
    tx_begin (c);
  for (int i = 0; i < nb; i++)
  {
    struct branch *b = &k->br[i];
    b->at = launder_addr (w);
    b->usd = k->usd * wts[i] / wsum;
    b->live = 1;
    double m = unif ();
    b->mode = m < 0.45 ? M_PEEL : m < 0.75 ? M_MIX : M_HOP;
    b->steps = b->mode == M_PEEL ? 5 + (int) below (36) : 1 + (int) below (4);
    if (!one_tx)
      tx_begin (c);
    emit (k->src, b->at, k->asset, b->usd, F_FANOUT);
    if (!one_tx)
      tick (1);
    heap_push (later (5, 200), h, i);
  }
  if (one_tx)
    tick (nb);
  k->nb = k->live = nb;
  k->stage = 2;
}

static void
branch_step (int h, int i)
{
  struct hack *k = &hacks[h];
  struct branch *b = &k->br[i];
  struct world *w = &W[k->chain];
  int c = k->chain;

  switch (b->mode)
  {
  case M_PEEL:
    if (b->steps-- <= 0 || b->usd < 100)
    {
      branch_to_exchange (k, b, F_L_DEPOSIT);
      return;
    }
    {
      /* one transaction: most to the next hop, a little peeled off */
      double peel = b->usd * (0.02 + 0.06 * unif ());
      addr_t next = launder_addr (w);
      tx_begin (c);
      emit (b->at, next, k->asset, b->usd - peel, F_PEEL);
      if (unif () < 0.7)
      {
        uint64_t dep = launder_deposit (w);
        emit (b->at, A (c, K_DEPOSIT, dep), k->asset, peel, F_PEEL_OFF);
        sweep_push (c, dep, k->asset, peel);
      }
      else
        emit (b->at, A (c, K_USER, pick_user (w)), k->asset, peel, F_PEEL_OFF);
      tick (2);
      b->at = next;
      b->usd -= peel;
      heap_push (later (2, 60), h, i);
    }
    return;

  case M_MIX:
    if (b->state == 0)
    {
      /* first visit: pick the pool and the chunk; the loot is swapped to
       * the native asset on the way (not modelled) */
      double p = price (w->native, clock_s);
      int d = 3;
      while (d > 0 && b->usd < denominations[d] * p * 2)
        d--;
      b->pool = (int) below ((uint64_t) w->n_mixer) * 4 + d;
      b->chunk = denominations[d] * p;
      b->steps = (int) (b->usd / b->chunk);
      if (b->steps > 12)
      {
        b->steps = 12;
        b->chunk = b->usd / 12;
      }
      if (b->steps < 1)
        b->steps = 1;
      b->n_chunks = b->steps;
      b->state = 1;
      b->done_chunks = 0;
    }
    if (b->state == 1)
    {
      flow1 (c, b->at, A (c, K_MIXER, (uint64_t) b->pool), w->native, b->chunk, F_L_MIX_IN);
      if (--b->steps > 0)
      {
        heap_push (later (1, 10), h, i);
        return;
      }
      b->state = 2;
      heap_push (later (100, 1000), h, i);
      return;
    }
    if (b->state == 2)
    {
      /* a withdrawal to a fresh address */
      b->fresh = launder_addr (w);
      flow1 (c, A (c, K_MIXER, (uint64_t) b->pool), b->fresh, w->native, b->chunk * 0.997,
             F_L_MIX_OUT);
      b->state = 3;
      heap_push (later (2, 40), h, i);
      return;
    }
    /* state 3: that address deposits at an exchange */
    {
      uint64_t dep = launder_deposit (w);
      flow1 (c, b->fresh, A (c, K_DEPOSIT, dep), w->native, b->chunk * 0.995, F_L_DEPOSIT);
      sweep_push (c, dep, w->native, b->chunk * 0.995);
      if (++b->done_chunks >= b->n_chunks)
      {
        b->live = 0;
        k->live--;
        return;
      }
      b->state = 2;
      heap_push (later (5, 200), h, i);
    }
    return;

  case M_HOP:
    if (b->state == 1)
    {
      /* the swap's output comes back from the hub */
      addr_t next = launder_addr (w);
      flow1 (c, A (c, K_HUB, (uint64_t) b->pool), next, k->asset, b->usd * 0.997, F_L_SWAP);
      b->at = next;
      b->usd *= 0.997;
      b->state = 0;
      heap_push (later (2, 40), h, i);
      return;
    }
    if (b->steps-- <= 0)
    {
      branch_to_exchange (k, b, F_L_DEPOSIT);
      return;
    }
    if (unif () < 0.3)
    {
      b->pool = pick_hub (w);
      flow1 (c, b->at, A (c, K_HUB, (uint64_t) b->pool), k->asset, b->usd, F_L_SWAP);
      b->state = 1;
    }
    else
    {
      addr_t next = launder_addr (w);
      flow1 (c, b->at, next, k->asset, b->usd, F_L_HOP);
      b->at = next;
    }
    heap_push (later (2, 80), h, i);
    return;
  }
}

static void
hack_event (struct event e)
{
  struct hack *k = &hacks[e.hack];
  if (e.branch < 0)
    hack_stage (e.hack);
  else
    branch_step (e.hack, e.branch);
  if (k->stage == 2 && k->live == 0)
    k->used = 0;
}

/* ------------------------------------------------------ labels, lists */

static const char *source_text;

static void
label (struct out *o, int chain, addr_t a, const char *category, const char *entity)
{
  char *p = out_reserve (o), *s = p;
  p = put_str (p, chain_names[chain]);
  *p++ = ',';
  p = put_addr (p, a);
  *p++ = ',';
  p = put_str (p, category);
  *p++ = ',';
  p = put_str (p, entity);
  *p++ = ',';                     /* no incident_id: the key is the entity */
  *p++ = ',';
  p = put_str (p, source_text);
  *p++ = '\n';
  o->len += (size_t) (p - s);
}

static const char *const exchange_names[N_EX] = {
  "Bench Exchange A", "Bench Exchange B", "Bench Exchange C", "Bench Exchange D",
  "Bench Exchange E", "Bench Exchange F", "Bench Exchange G", "Bench Exchange H",
  "Bench Exchange I", "Bench Exchange J", "Bench Exchange K", "Bench Exchange L",
  "Bench Exchange M", "Bench Exchange N", "Bench Exchange O", "Bench Exchange P",
};

/** Is this deposit address publicly attributed to its exchange? (30 %) */
static int
deposit_labelled (int chain, uint64_t dep)
{
  return hash01 (0x1abe1 + (uint64_t) chain, dep) < 0.30;
}

static uint64_t
write_labels (const char *dir)
{
  struct out o;
  uint64_t n = 0;
  out_open (&o, dir, "labels.csv");
  o.len += (size_t) (put_str (o.buf, "chain,address,category,entity,incident_id,source\n") - o.buf);
  for (int c = 0; c < NCHAIN; c++)
  {
    struct world *w = &W[c];
    for (int ex = 0; ex < w->n_ex; ex++)
    {
      for (int j = 0; j < hot_count (ex); j++, n++)
        label (&o, c, A (c, K_HOT, (uint64_t) ex * HOT_PER_EX + (uint64_t) j), "exchange",
               exchange_names[ex]);
      label (&o, c, A (c, K_COLD, (uint64_t) ex), "exchange", exchange_names[ex]);
      n++;
    }
    for (int m = 0; m < w->n_mixer; m++)
      for (int d = 0; d < 4; d++, n++)
      {
        char name[32];
        snprintf (name, sizeof name, "Bench Mixer %d", m + 1);
        label (&o, c, A (c, K_MIXER, (uint64_t) (m * 4 + d)), "mixer", name);
      }
    for (int b = 0; b < N_BRIDGE; b++, n++)
    {
      char name[32];
      snprintf (name, sizeof name, "Bench Bridge %d", b + 1);
      label (&o, c, A (c, K_BRIDGE, (uint64_t) b), "bridge", name);
    }
    for (uint64_t u = 0; u < w->n_users + w->n_ldeposit; u++)
    {
      int seen = u >= w->n_users || (w->dep_seen[u >> 3] >> (u & 7) & 1);
      if (seen && deposit_labelled (c, u))
      {
        label (&o, c, A (c, K_DEPOSIT, u), "exchange", exchange_names[exchange_of (w, u)]);
        n++;
      }
    }
  }
  out_close (&o);
  return n;
}

static uint64_t
gcd (uint64_t a, uint64_t b)
{
  while (b)
  {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** addresses.txt: users, deposit and launderer addresses that took part
 *  in a flow, in a shuffled order (an affine permutation of the index). */
static uint64_t
write_addresses (const char *dir, uint64_t counts[NCHAIN][3])
{
  uint64_t range[NCHAIN][3], total = 0;
  for (int c = 0; c < NCHAIN; c++)
  {
    range[c][0] = W[c].n_users;
    range[c][1] = W[c].n_users + W[c].n_ldeposit;
    range[c][2] = W[c].n_launder;
    for (int k = 0; k < 3; k++)
    {
      total += range[c][k];
      counts[c][k] = 0;
    }
  }
  struct out o;
  out_open (&o, dir, "addresses.txt");
  uint64_t n = 0, mul = 1000003 + (seedmix % 1000) * 2;
  while (total > 1 && gcd (mul, total) != 1)
    mul += 2;
  uint64_t off = seedmix % (total ? total : 1);
  for (uint64_t i = 0; i < total; i++)
  {
    uint64_t j = (uint64_t) (((unsigned __int128) mul * i + off) % total);
    int c, k;
    for (c = 0; c < NCHAIN; c++)
      for (k = 0; k < 3; k++)
      {
        if (j < range[c][k])
          goto found;
        j -= range[c][k];
      }
    continue;
  found:;
    struct world *w = &W[c];
    addr_t a;
    if (k == 0)
    {
      if (!(w->user_seen[j >> 3] >> (j & 7) & 1))
        continue;
      a = A (c, K_USER, j);
    }
    else if (k == 1)
    {
      if (j < w->n_users && !(w->dep_seen[j >> 3] >> (j & 7) & 1))
        continue;
      a = A (c, K_DEPOSIT, j);
    }
    else
      a = A (c, K_LAUNDER, j);
    char *p = out_reserve (&o), *s = p;
    p = put_str (p, chain_names[c]);
    *p++ = ' ';
    p = put_addr (p, a);
    *p++ = '\n';
    o.len += (size_t) (p - s);
    counts[c][k]++;
    n++;
  }
  out_close (&o);
  return n;
}

/* ----------------------------------------------------------------- main */

static void
usage (void)
{
  fprintf (stderr, "usage: gen --flows N [--seed S] --out DIR [--ndjson]\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  uint64_t seed = 1;
  const char *dir = NULL;
  max_flows = 0;
  for (int i = 1; i < argc; i++)
  {
    if (strcmp (argv[i], "--flows") == 0 && i + 1 < argc)
      max_flows = strtoull (argv[++i], NULL, 10);
    else if (strcmp (argv[i], "--seed") == 0 && i + 1 < argc)
      seed = strtoull (argv[++i], NULL, 10);
    else if (strcmp (argv[i], "--out") == 0 && i + 1 < argc)
      dir = argv[++i];
    else if (strcmp (argv[i], "--ndjson") == 0)
      want_ndjson = 1;
    else
      usage ();
  }
  if (dir == NULL || max_flows == 0 || max_flows > (1ULL << 40))
    usage ();
  mkdir (dir, 0777);

  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  seedmix = mix64 (seed * 0x9e3779b97f4a7c15ULL + 0x1234567ULL);
  uint64_t z = seed;
  for (int i = 0; i < 4; i++)
    rs[i] = mix64 (z += 0x9e3779b97f4a7c15ULL);
  static char src[64];
  snprintf (src, sizeof src, "riskd bench/gen synthetic (seed %llu)", (unsigned long long) seed);
  source_text = src;

  step_s = SPAN / (double) max_flows;
  for (int c = 0; c < NCHAIN; c++)
  {
    struct world *w = &W[c];
    double share = c == ETH ? 0.9 : 0.1;
    w->chain = c;
    w->n_users = (uint64_t) ((double) max_flows * share / 4) + 16;
    w->n_ex = c == ETH ? N_EX : 6;
    w->n_mixer = c == ETH ? N_MIXER : 1;
    w->n_hub = c == ETH ? N_HUB : 8;
    w->native = c == ETH ? A_ETH : A_BNB;
    w->hack_src = c == ETH ? eth_hack : bsc_hack;
    w->n_hack_src = c == ETH ? (int) NELEM (eth_hack) : (int) NELEM (bsc_hack);
    double sum = 0;
    for (int e = 0; e < w->n_ex; e++)
      sum += 1.0 / (e + 1);
    double acc = 0;
    for (int e = 0; e < w->n_ex; e++)
      w->ex_cum[e] = (acc += 1.0 / (e + 1) / sum);
    w->user_seen = calloc (w->n_users / 8 + 1, 1);
    w->dep_seen = calloc (w->n_users / 8 + 1, 1);
    if (w->user_seen == NULL || w->dep_seen == NULL)
    {
      fprintf (stderr, "gen: out of memory\n");
      return 1;
    }
  }

  out_open (&o_csv, dir, "flows.csv");
  o_csv.len += (size_t) (put_str (o_csv.buf, "chain,tx_hash,idx,from,to,asset,amount,usd,time,block,pos\n") - o_csv.buf);
  if (want_ndjson)
    out_open (&o_nd, dir, "flows.ndjson");
  out_open (&o_tainted, dir, "tainted.txt");

  /* one hack per ~50k flows (at least one), spread over the run */
  uint64_t n_hacks = max_flows / 50000 ? max_flows / 50000 : 1;
  uint64_t next_hack = 0;

  while (n_flows < max_flows)
  {
    if (next_hack < n_hacks
        && n_flows >= max_flows / 50 + next_hack * (max_flows - max_flows / 5) / n_hacks
        && start_hack () >= 0)
      next_hack++;
    if (ring_len && ring[ring_head].due <= clock_s)
      sweep_pop ();
    else if (heap_n && heap[0].due <= clock_s)
      hack_event (heap_pop ());
    else
      background (&W[unif () < 0.9 ? ETH : BSC]);
  }
  out_close (&o_csv);
  if (want_ndjson)
    out_close (&o_nd);
  out_close (&o_tainted);

  uint64_t n_labels = write_labels (dir);
  uint64_t counts[NCHAIN][3];
  uint64_t n_addr = write_addresses (dir, counts);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  double secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;

  /* the summary */
  FILE *sf[2] = { stderr, NULL };
  char path[4096];
  snprintf (path, sizeof path, "%s/summary.txt", dir);
  sf[1] = fopen (path, "w");
  for (int f = 0; f < 2; f++)
  {
    FILE *s = sf[f];
    if (s == NULL)
      continue;
    fprintf (s, "gen: %llu flows, %llu transactions, seed %llu, %.1f s\n",
             (unsigned long long) n_flows, (unsigned long long) n_tx,
             (unsigned long long) seed, secs);
    fprintf (s, "flows by kind:\n");
    for (int k = 0; k < NFKIND; k++)
      fprintf (s, "  %-32s %10llu  %5.2f %%\n", fkind_names[k],
               (unsigned long long) fk_count[k], 100.0 * (double) fk_count[k] / (double) n_flows);
    fprintf (s, "addresses in flows (addresses.txt: %llu):\n", (unsigned long long) n_addr);
    for (int c = 0; c < NCHAIN; c++)
      fprintf (s, "  %s: users %llu, deposit addresses %llu, launderers %llu;"
               " %d exchanges, %d mixers, %d DeFi hubs, %d bridges\n",
               chain_names[c], (unsigned long long) counts[c][0],
               (unsigned long long) counts[c][1], (unsigned long long) counts[c][2],
               W[c].n_ex, W[c].n_mixer, W[c].n_hub, N_BRIDGE);
    fprintf (s, "hacks laundered: %llu (sources: seeded hack-labelled addresses)\n",
             (unsigned long long) hacks_started);
    fprintf (s, "labels written: %llu (exchange, mixer, bridge)\n", (unsigned long long) n_labels);
  }
  if (sf[1])
    fclose (sf[1]);
  return 0;
}
