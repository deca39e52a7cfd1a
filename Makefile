# riskd -- see README.md.
#
#   make            build build/riskd
#   make run        set up everything (packages, private PostgreSQL and Redis,
#                   migrations, seed data) and serve
#   make test       set up everything and run every test suite, then the same
#                   suites again under AddressSanitizer + UBSan
#   make test-asan  only the sanitizer pass
#   make unit       build the C unit tests
#   make bench      benchmarks (bench/README.md)
#   make fuzz       fuzz every parser (tests/fuzz/README.md)

CC      ?= gcc
PKGS    := libmicrohttpd jansson libpq hiredis
WARN    := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE
CFLAGS  := $(WARN) -Iinclude $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

ifeq ($(SANITIZE),1)
  BUILD ?= build-asan
  OPT   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
else
  BUILD ?= build
  OPT   := -O2 -g
endif

SRC      := $(sort $(wildcard server/*.c api/*.c))
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
LIB_OBJ  := $(filter-out $(BUILD)/server/main.o,$(OBJ)) $(BUILD)/embedded_files.o
EMBED    := $(sort $(wildcard migrations/*.sql)) openapi.yaml \
            $(sort $(wildcard data/*.csv)) data/incidents_sources.md \
            $(sort $(wildcard web/*.html web/*.js web/*.css web/*.svg))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test test-asan unit bench clean
.DELETE_ON_ERROR:

all: $(BUILD)/riskd

$(BUILD)/riskd: $(BUILD)/server/main.o $(LIB_OBJ)
	$(CC) $(OPT) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(wildcard include/riskd/*.h) | $(BUILD)/server $(BUILD)/api
	$(CC) $(CFLAGS) $(OPT) -c -o $@ $<

$(BUILD)/embedded_files.c: $(EMBED) $(BUILD)/embed
	$(BUILD)/embed $@ $(EMBED)

$(BUILD)/embedded_files.o: $(BUILD)/embedded_files.c
	$(CC) $(CFLAGS) -O0 -c -o $@ $<

# The embedder runs at build time: never sanitized, never optimised.
$(BUILD)/embed: tools/embed.c | $(BUILD)/server
	$(CC) $(WARN) -O0 -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) tests/unit/unit.h | $(BUILD)/tests
	$(CC) $(CFLAGS) $(OPT) -o $@ $< $(LIB_OBJ) $(LDLIBS)

$(BUILD)/server $(BUILD)/api $(BUILD)/tests:
	mkdir -p $@

unit: $(UNIT_BIN)

run:
	scripts/run.sh

test:
	scripts/test.sh

test-asan:
	RISKD_TEST_PASSES=asan scripts/test.sh

bench:
	bench/run.sh

clean:
	rm -rf build build-asan build-fuzz

# libFuzzer harnesses: make fuzz (FUZZ_SECONDS each), fuzz-ci (short),
# fuzz-regress (the kept crash inputs only). See tests/fuzz/README.md.
-include tests/fuzz/fuzz.mk
