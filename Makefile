# aisbx build. `make` leaves ./aisbx; `make check` runs every test lane.
# Sources are picked up by wildcard so that a new module is just a new file.
PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
PKGS := libseccomp yajl libcap
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

OPT ?= -O2 -g
# SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer build (use its own BUILD dir).
ifeq ($(SAN),1)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SANLD := -fsanitize=address,undefined
endif
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -I. \
	-DAISBX_VERSION='"$(VERSION)"' -DAISBX_COMMIT='"$(COMMIT)"' \
	$(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
LDLIBS_ALL := $(shell pkg-config --libs $(PKGS)) $(LDLIBS)
# The release binary is linked statically (STATIC=0 for a dynamic one):
# an engine runs the runtime several times per container, and dynamic
# linking of 4 libraries was ~1 ms of each run (docs/bench.md).
STATIC ?= 1
ifeq ($(SAN),1)
STATIC := 0
endif
ifeq ($(STATIC),1)
AISBX_LD := -static
AISBX_LIBS := -lseccomp -lyajl_s -lcap
else
AISBX_LD :=
AISBX_LIBS := $(LDLIBS_ALL)
endif

LIB_SRC := $(sort $(wildcard specs/*.c runtime/*.c runtime/*/*.c))
CMD_SRC := $(sort $(wildcard cmd/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/exec_stub_blob.o
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

all: aisbx aisbx-systemd

aisbx: $(BUILD)/aisbx aisbx-systemd
	cp $< $@.tmp && mv -f $@.tmp $@

# The systemd cgroup driver's D-Bus half (cmd/aisbx-systemd/): linked
# dynamically against libsystemd (Debian ships no static one) and run by
# aisbx only for --systemd-cgroup, so every other call keeps the static
# binary's start-up. It must sit next to aisbx.
SYSTEMD_SRC := $(wildcard cmd/aisbx-systemd/*.c)
aisbx-systemd: $(BUILD)/aisbx-systemd
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/aisbx-systemd: $(SYSTEMD_SRC)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(SANLD) $(shell pkg-config --cflags libsystemd) \
		-o $@ $(SYSTEMD_SRC) $(shell pkg-config --libs libsystemd) $(LDFLAGS)

$(BUILD)/aisbx: $(CMD_OBJ) $(BUILD)/libaisbx.a
	$(CC) $(SANLD) $(AISBX_LD) -o $@ $(CMD_OBJ) $(BUILD)/libaisbx.a $(AISBX_LIBS) $(LDFLAGS)

$(BUILD)/libaisbx.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# The sealed exec stub (runtime/launch/stub/exec_stub.c): freestanding x86_64,
# embedded as a byte array. Elsewhere the blob is empty and aisbx execs the
# program directly (runtime/launch/sealed_exec.c says so in the log).
ifeq ($(shell uname -m),x86_64)
$(BUILD)/gen/exec_stub.bin: runtime/launch/stub/exec_stub.c
	@mkdir -p $(dir $@)
	cc -Os -static -nostdlib -fno-stack-protector -fno-asynchronous-unwind-tables \
		-Wl,--build-id=none -Wl,-z,noexecstack -o $@ $<
	strip $@
else
$(BUILD)/gen/exec_stub.bin:
	@mkdir -p $(dir $@)
	: > $@
endif

$(BUILD)/gen/exec_stub_blob.c: $(BUILD)/gen/exec_stub.bin
	{ echo '#include <stddef.h>'; \
	  echo 'const unsigned char exec_stub_blob[] = {'; \
	  od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0};'; \
	  echo "const size_t exec_stub_blob_len = $$(stat -c %s $<);"; } > $@

$(BUILD)/gen/exec_stub_blob.o: $(BUILD)/gen/exec_stub_blob.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# Unit tests: one binary per tests/test_*.c, linked against the library.
$(BUILD)/tests/%: tests/%.c $(BUILD)/libaisbx.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SANLD) -o $@ $< $(BUILD)/libaisbx.a $(LDLIBS_ALL) -lcmocka $(LDFLAGS)

unit-bin: $(TEST_BIN)

# Unit tests always run under ASan+UBSan, in their own build dir.
unit:
	$(MAKE) SAN=1 BUILD=build-san unit-bin
	hack/run-unit.sh build-san/tests

integration: aisbx
	hack/run-integration.sh

# The whole bats suite against a runtime built with ASan+UBSan; fails on any
# sanitizer report (10-15 min, so not part of `make check`).
integration-san:
	hack/run-integration-san.sh

fuzz:
	hack/fuzz.sh $(FUZZ_SECONDS)

lint:
	hack/lint.sh

# The README's test command.
check: aisbx
	hack/check.sh

demo: aisbx
	hack/demo.sh

# The stock-host lane: a stock Debian 12 under QEMU (systemd, cgroup v2,
# AppArmor, docker/containerd/podman in their default configs) drives runc
# and ./aisbx side by side (hack/stock-lane.sh; STOCK_TESTS=... for a subset).
stock-lane: aisbx
	hack/stock-lane.sh $(STOCK_BINDIR)

# The same stock host booted with cgroup v1 controllers (systemd's hybrid
# mode, systemd.unified_cgroup_hierarchy=0): docker, podman, ctr and bare
# bundles, --systemd-cgroup on v1. Not in `make check` (README "Tests").
stock-lane-hybrid: aisbx
	STOCK_CGROUP=hybrid hack/stock-lane.sh $(STOCK_BINDIR)

# Side-by-side benchmark (aisbx, crun, runc): table, docs/bench.md, docs/bench.png.
# BENCH_ARGS=--quick | --long | '-n 100 ...' (hack/bench.sh -h)
bench: aisbx
	hack/bench.sh $(BENCH_ARGS)

# The long load + fault run: 1000 sequential, 200 parallel (bursts of 8),
# the fault and race suites; prints a summary table.
stress: aisbx
	$(MAKE) BUILD=build-fault CFLAGS=-DAISBX_FAULT_POINTS build-fault/aisbx
	hack/stress.sh

install: aisbx aisbx-systemd
	install -D -m 0755 aisbx $(DESTDIR)$(PREFIX)/bin/aisbx
	install -D -m 0755 aisbx-systemd $(DESTDIR)$(PREFIX)/bin/aisbx-systemd
	install -D -m 0644 docs/aisbx.8 $(DESTDIR)$(PREFIX)/share/man/man8/aisbx.8
	# The default policy, commented; an operator's own file is never replaced.
	test -e $(DESTDIR)/etc/aisbx/policy.json || \
		install -D -m 0644 etc/policy.json $(DESTDIR)/etc/aisbx/policy.json

clean:
	rm -rf build build-* aisbx aisbx-systemd .build-dyn.lock

.PHONY: all aisbx aisbx-systemd unit-bin unit integration integration-san fuzz lint check demo stock-lane stock-lane-hybrid bench stress install clean
-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)
