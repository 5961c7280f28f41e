# v2vboot: top-level build.
#
#   make          build/v2vboot-agent, build/v2vboot-tui (the wizard)
#   make check    unit tests (also under ASan+UBSan), then the integration
#                 tests with a real guest, nginx and qemu (docs/hacking.md)
#   make bench    v2vboot against virt-v2v on the same source (tests/bench);
#                 its guest matrix alone: make bench-matrix (BENCH_MATRIX);
#                 the scale rows alone: make bench-scale (BENCH_SCALE)
#   make image    build/v2vboot.iso and build/pxe/ (appliance/)
#   make check-image  boot the image under qemu; the PXE image converts
#                 the test guest into a libvirt pool (tests/image)
#   make example  the image converts the built-in example (tests/example.sh)
#   make example-agent  the agent alone on the same example
#   make clean
#
# Outputs go to build/.  WERROR=0 drops -Werror for local hacking.
#
# Every target that compiles first installs what is missing
# (tests/setup.sh), then builds in a sub-make: the package flags below
# are read when a make parses this file, and on a fresh machine they
# only resolve after setup has installed the -dev packages.  The
# internal targets (programs, unit-tests, fuzz-targets) skip setup.

CC ?= gcc
WERROR ?= 1
# make V=1 shows the commands.
Q := $(if $(filter 1,$(V)),,@)
B := build

PKGS := libguestfs libcurl openssl libssh libvirt libnbd libxml-2.0 zlib
PKG_OK := $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
# In a recipe: stop with the reason when the -dev packages are missing
# (an internal target run by hand on a machine without them).
NEED_PKGS = $(if $(PKG_OK),,$(error pkg-config finds no $(PKGS): run make setup-build first))

WARN := -Wall -Wextra -Wshadow -Wvla -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN += -Werror
endif
CFLAGS ?= -O2 -g
# Debian's hardening (dpkg-buildflags with hardening=+all) for the
# programs: stack protector, fortified libc calls (they need -O), PIE,
# full RELRO.  tests/integration/test-hardening.sh checks the binaries.
HARDEN_CFLAGS := -fstack-protector-strong -fPIE \
  $(if $(filter -O1 -O2 -O3 -Os -Og -Ofast,$(CFLAGS)),-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2)
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(HARDEN_CFLAGS) \
              -Iagent -Ikickstart -Itui $(PKG_CFLAGS)
SAN_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -O1 -g \
              -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer -Iagent -Ikickstart $(PKG_CFLAGS)

# The engine, a folder per pipeline stage (docs/hacking.md).
ENGINE_DIRS := common pipeline source guest convert output verify
ENGINE_SRCS := $(wildcard $(patsubst %,agent/%/*.c,$(ENGINE_DIRS)))
CLI_SRCS := $(wildcard agent/cli/*.c)
CLI_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(CLI_SRCS))
TUI_SRCS := $(wildcard tui/*.c)
TUI_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(TUI_SRCS))
KS_SRCS := $(wildcard kickstart/*.c)
LIB_SRCS := $(ENGINE_SRCS) $(KS_SRCS)
LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRCS))
SAN_OBJS := $(patsubst %.c,$(B)/san/%.o,$(LIB_SRCS))
HDRS := $(wildcard agent/*.h agent/*/*.h kickstart/*.h tui/*.h)

UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
UNIT_SAN_BINS := $(patsubst tests/unit/%.c,$(B)/tests/san-%,$(UNIT_SRCS))

.PHONY: all programs setup setup-build fuzz fuzz-targets unit-tests check check-unit \
        check-integration bench bench-matrix bench-scale example clean image check-image example-agent
all: setup-build
	@$(MAKE) --no-print-directory programs

# The source's nbdkit plugins (plugin/), built beside the agent.
PLUGINS := $(B)/nbdkit-v2vhttps-plugin.so $(B)/nbdkit-v2vsftp-plugin.so
programs: $(B)/v2vboot-agent $(B)/v2vboot-tui $(PLUGINS)

# The plugins: parallel reads from one source (docs/data-path.md).
$(B)/nbdkit-v2vhttps-plugin.so: PLUGIN_LIBS := -lcurl
$(B)/nbdkit-v2vsftp-plugin.so: PLUGIN_LIBS := -lssh
$(B)/nbdkit-%-plugin.so: plugin/%.c plugin/pool.c plugin/pool.h Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  PLUGIN  $@")
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -fPIC -shared -fstack-protector-strong $(filter -U_FORTIFY% -D_FORTIFY%,$(HARDEN_CFLAGS)) -Wl,-z,relro,-z,now -o $@ $< plugin/pool.c $(PKG_CFLAGS) $(PLUGIN_LIBS) -pthread

# Install missing Debian packages (setup-build: only what the build
# needs); a no-op when all are there.
setup:
	@tests/setup.sh

setup-build:
	@tests/setup.sh --build

$(B)/obj/%.o: %.c $(HDRS) Makefile
	$(NEED_PKGS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/san/%.o: %.c $(HDRS) Makefile
	$(NEED_PKGS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC-SAN  $<")
	$(Q)$(CC) $(SAN_CFLAGS) -c $< -o $@

# Made anew (a removed file's object must not stay in it), and renamed
# into place, so that a parallel make never links a half-made archive.
$(B)/libv2v.a: $(LIB_OBJS)
	$(Q)rm -f $@.$$$$ && ar rcs $@.$$$$ $^ && mv -f $@.$$$$ $@

$(B)/libv2v-san.a: $(SAN_OBJS)
	$(Q)rm -f $@.$$$$ && ar rcs $@.$$$$ $^ && mv -f $@.$$$$ $@

$(B)/v2vboot-agent: $(CLI_OBJS) $(B)/libv2v.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(HARDEN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/v2vboot-tui: $(TUI_OBJS) $(B)/libv2v.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(HARDEN_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lncurses

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h tests/unit/mem_device.h $(B)/libv2v.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(B)/libv2v.a $(PKG_LIBS)

$(B)/tests/san-%: tests/unit/%.c tests/unit/unit.h tests/unit/mem_device.h $(B)/libv2v-san.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(SAN_CFLAGS) -Itests/unit -o $@ $< $(B)/libv2v-san.a $(PKG_LIBS)

# test-kswrite builds the wizard's tui/kswrite.c and tui/wizard_config.c in.
$(B)/tests/test-kswrite $(B)/tests/san-test-kswrite: tui/kswrite.c tui/wizard_config.c tui/wizard.h
$(B)/tests/test-vm-rows $(B)/tests/san-test-vm-rows: tui/vm_rows.c tui/wizard_config.c tui/wizard.h

# Fuzz targets (libFuzzer + ASan + UBSan), run for a bounded time by
# tests/integration/test-fuzz.sh.
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               -Iagent -Ikickstart $(PKG_CFLAGS)
# ks_print.c hashes sections (dump-config) with libcrypto.
FUZZ_LIBS := -lcrypto
$(B)/fuzz/fuzz-vmx: tests/fuzz/fuzz-vmx.c agent/source/vmx.c agent/source/vmx_dict.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-vmx.c agent/source/vmx.c agent/source/vmx_dict.c

$(B)/fuzz/fuzz-kickstart: tests/fuzz/fuzz-kickstart.c $(KS_SRCS) agent/pipeline/config.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-kickstart.c $(KS_SRCS) agent/pipeline/config.c $(FUZZ_LIBS)

$(B)/fuzz/fuzz-cmdline: tests/fuzz/fuzz-cmdline.c $(KS_SRCS) agent/pipeline/config.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-cmdline.c $(KS_SRCS) agent/pipeline/config.c $(FUZZ_LIBS)

$(B)/fuzz/fuzz-ext4: tests/fuzz/fuzz-ext4.c tests/fuzz/device_input.h agent/guest/ext4_unused.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-ext4.c agent/guest/ext4_unused.c

$(B)/fuzz/fuzz-xfs-log: tests/fuzz/fuzz-xfs-log.c tests/fuzz/device_input.h agent/guest/xfs_log.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-xfs-log.c agent/guest/xfs_log.c

$(B)/fuzz/fuzz-json: tests/fuzz/fuzz-json.c tui/json.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Itui -o $@ tests/fuzz/fuzz-json.c tui/json.c

# registry.c with its hivex calls stubbed by the target (no libguestfs).
FUZZ_REGISTRY_SRCS := agent/convert/registry.c agent/common/strbuf.c agent/common/error.c agent/common/cleanup.c
$(B)/fuzz/fuzz-registry: tests/fuzz/fuzz-registry.c $(FUZZ_REGISTRY_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-registry.c $(FUZZ_REGISTRY_SRCS)
$(B)/fuzz/fuzz-listing: tests/fuzz/fuzz-listing.c agent/source/listing.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-listing.c agent/source/listing.c

$(B)/fuzz/fuzz-verify-signs: tests/fuzz/fuzz-verify-signs.c agent/verify/verify_signs.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-verify-signs.c agent/verify/verify_signs.c

FUZZ_PPM_SRCS := agent/verify/verify_png.c agent/common/strbuf.c agent/common/error.c agent/common/cleanup.c
$(B)/fuzz/fuzz-ppm: tests/fuzz/fuzz-ppm.c $(FUZZ_PPM_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-ppm.c $(FUZZ_PPM_SRCS) -lz

$(B)/fuzz/fuzz-ks-quote: tests/fuzz/fuzz-ks-quote.c $(KS_SRCS) agent/pipeline/config.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-ks-quote.c $(KS_SRCS) agent/pipeline/config.c $(FUZZ_LIBS)

$(B)/fuzz/fuzz-vimcmd: tests/fuzz/fuzz-vimcmd.c agent/source/vimcmd.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-vimcmd.c agent/source/vimcmd.c

# Every target, as tests/integration/test-fuzz.sh lists them.
FUZZ_VSPHERE_SRCS := agent/source/vsphere_xml.c agent/source/vsphere_inventory.c \
  agent/common/strbuf.c agent/common/cleanup.c
$(B)/fuzz/fuzz-vsphere: tests/fuzz/fuzz-vsphere.c $(FUZZ_VSPHERE_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-vsphere.c $(FUZZ_VSPHERE_SRCS) -lxml2
FUZZ_TARGETS := vmx kickstart cmdline ext4 xfs-log json registry listing ks-quote vsphere vimcmd verify-signs ppm
fuzz-targets: $(patsubst %,$(B)/fuzz/fuzz-%,$(FUZZ_TARGETS))

fuzz: setup
	@$(MAKE) --no-print-directory fuzz-targets

check-unit: setup
	@$(MAKE) --no-print-directory unit-tests

unit-tests: $(UNIT_BINS) $(UNIT_SAN_BINS) $(B)/v2vboot-agent
	@tests/run-tests.sh unit $(UNIT_BINS) $(UNIT_SAN_BINS)

# Two integration tests at a time: each is mostly one single-threaded
# qemu under TCG (tests/run-tests.sh).
# The longest first, so that the two slots end together.
SLOW_TESTS := $(patsubst %,tests/integration/test-%.sh,luks-guest source-faults \
              ssh-source windows vmx-https convert-https uefi-guest libvirt-dest wizard \
              vsphere-convert btrfs-guest two-disks ssh-drop log \
              libvirt-cleanup cancel batch)
INTEGRATION_TESTS := $(SLOW_TESTS) \
    $(filter-out $(SLOW_TESTS),$(sort $(wildcard tests/integration/test-*.sh)))
check-integration: setup
	@$(MAKE) --no-print-directory programs fuzz-targets
	@tests/run-tests.sh -j 2 integration $(INTEGRATION_TESTS)

# One after the other, also under make -j: each builds the engine in a
# sub-make, and two at once would write the same objects.
check:
	@$(MAKE) --no-print-directory check-unit
	@$(MAKE) --no-print-directory check-integration

bench: setup
	@$(MAKE) --no-print-directory programs
	tests/bench/bench.sh
	tests/bench/bench-ratelimit.sh
	tests/bench/bench-libvirt.sh
	tests/bench/bench-image.sh
	tests/bench/bench-matrix.sh
	tests/bench/bench-scale.sh --from-bench

bench-matrix: setup
	@$(MAKE) --no-print-directory programs
	tests/bench/bench-matrix.sh

bench-scale: setup
	@$(MAKE) --no-print-directory programs
	tests/bench/bench-scale.sh

# The bootable image (appliance/build-image.sh): build/v2vboot.iso and
# build/pxe/.  check-image boots it under qemu (slow: run by .ci/run
# after make check).
image: setup
	@$(MAKE) --no-print-directory programs
	@appliance/build-image.sh $(B)

check-image: image
	@tests/run-tests.sh -j 2 image $(sort $(wildcard tests/image/test-*.sh))

# The main job on the built-in example: the image, booted in qemu,
# converts the test guest into a libvirt pool on this host.
example: image
	tests/example.sh

# The agent alone on the same example, without the image.
example-agent: setup
	@$(MAKE) --no-print-directory programs
	tests/example-agent.sh

clean:
	rm -rf $(B)
