#!/bin/bash
# Every make target works as the first command on a fresh Debian 12
# machine, where the -dev packages (and so pkg-config's answers) only
# appear once tests/setup.sh has installed them.
#
# A copy of the tracked tree is built with a fake dpkg-query, apt-get and
# pkg-config first in PATH: dpkg-query and pkg-config know no package
# until "apt-get install" has run (it only leaves a mark; the real
# packages are already here).  A make that read pkg-config before setup
# ran would link without libraries, as `make example` once did on a
# fresh machine.  The scripts that run tests, build the image or run the
# example are replaced by stubs in the copy: only the build is checked.
source "$(dirname "$0")/../functions.sh"
fake=$T/fake-bin mark=$T/installed
mkdir -p "$fake"
cat >"$fake/dpkg-query" <<SH
#!/bin/sh
[ -e "$mark" ] && exec /usr/bin/dpkg-query "\$@"
echo "dpkg-query: no packages found" >&2; exit 1
SH
cat >"$fake/apt-get" <<SH
#!/bin/sh
[ "\$1" = install ] || [ "\$2" = install ] || [ "\$3" = install ] && touch "$mark"
exit 0
SH
cat >"$fake/pkg-config" <<SH
#!/bin/sh
[ -e "$mark" ] && exec /usr/bin/pkg-config "\$@"
exit 1
SH
chmod +x "$fake"/*

# (every bench part: make bench runs each, and a conversion here would
# only cost minutes)
stubs=(tests/run-tests.sh appliance/build-image.sh tests/example.sh
       tests/example-agent.sh
       $(cd "$top" && git ls-files 'tests/bench/bench*.sh'))
[ ${#stubs[@]} -gt 6 ] || fail "no bench parts found to stub"
fresh_copy () {
    rm -rf "$T/src" "$mark"
    mkdir "$T/src"
    git -C "$top" ls-files -z | (cd "$top" && tar --null -T - -cf -) | tar -C "$T/src" -xf -
    local s
    for s in "${stubs[@]}"; do
        [ -e "$T/src/$s" ] || fail "stub target $s is gone: update this test"
        printf '#!/bin/sh\nexit 0\n' >"$T/src/$s"
    done
}

# The README's two commands, plain make, and one target of each other
# way into the build (a sub-make of programs, of the fuzz targets), each
# with what it must have built.
for step in all:build/v2vboot-agent example:build/v2vboot-agent \
            check:build/tests/san-test-vmx bench:build/v2vboot-tui \
            fuzz:build/fuzz/fuzz-vmx; do
    target=${step%%:*} built=${step#*:}
    fresh_copy
    PATH=$fake:$PATH make -C "$T/src" -j2 "$target" >"$T/make.log" 2>&1 ||
        { tail -20 "$T/make.log"; fail "make $target failed as the first command"; }
    [ -e "$mark" ] || fail "make $target installed nothing first"
    [ -x "$T/src/$built" ] || fail "make $target did not build $built"
    [ "$built" != build/v2vboot-agent ] || "$T/src/$built" --help >/dev/null 2>&1 ||
        fail "make $target: $built does not run"
    log "make $target: setup first, then $built"
done

# Every system header the C sources include, and every library the
# programs link, belongs to a package that setup.sh --build installs (or
# to one of their dependencies: it installs without recommends).  The
# fakes above cannot see a package missing from that list: this machine
# has it (nbdkit-plugin-dev once was missing, and a fresh machine could
# not build the plugins).
log "headers and libraries: each from a package setup.sh --build installs"
mapfile -t build_pkgs < <("$top/tests/setup.sh" --list-build)
[ ${#build_pkgs[@]} -gt 5 ] || fail "setup.sh --list-build listed ${#build_pkgs[@]} packages"
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "${build_pkgs[@]}" 2>/dev/null |
    grep -v '^ ' | sed 's/:.*//' | sort -u >"$T/closure"
grep -qx libc6-dev "$T/closure" || fail "the dependency walk found no libc6-dev"
# (the Makefile's PKGS: the packages its compiles take their flags from)
pkgs=$(sed -n 's/^PKGS := //p' "$top/Makefile")
[ -n "$pkgs" ] || fail "no PKGS := line in the Makefile"
# shellcheck disable=SC2086
cflags=$(pkg-config --cflags $pkgs)
: >"$T/files"
for c in $(git -C "$top" ls-files '*.c'); do
    # (-M: every header, the system's too; one per line after the colon)
    (cd "$top" && gcc -M -std=gnu11 -D_GNU_SOURCE -Iagent -Ikickstart -Itui \
        -Iplugin $cflags "$c") | tr ' \\' '\n\n' | grep '^/' >>"$T/files" ||
        fail "gcc -M $c failed"
done
# The libraries the programs link: the file the linker takes for each -l.
for l in $( (cd "$top" && make -s -B -n V=1 programs 2>/dev/null) |
            grep -- ' -o build/' | grep -o -- ' -l[a-zA-Z0-9_+-]*' | sort -u); do
    f=$(gcc -print-file-name="lib${l#-l}.so")
    [ "${f#/}" != "$f" ] || fail "the linker finds no lib${l#-l}.so"
    echo "$f" >>"$T/files"
done
grep -q 'libcurl' "$T/files" || fail "no libcurl among the libraries linked"
# (paths made plain without following links: a -dev package owns
# libX.so, the link, and only then the file it points to)
sort -u "$T/files" | xargs -r realpath -s -e | sort -u >"$T/real"
# owners FILE...: "package path" for each file dpkg knows
owners () { dpkg -S "$@" 2>/dev/null | sed 's/^\([^:,]*\)[^ ]*: /\1 /'; }
mapfile -t files <"$T/real"
owners "${files[@]}" >"$T/owners"
for f in "${files[@]}"; do
    grep -q " $f\$" "$T/owners" && continue
    o=$(owners "$(realpath "$f")" | cut -d' ' -f1)
    echo "${o:-?} $f" >>"$T/owners"
done
bad=$(awk 'NR == FNR { ok[$1] = 1; next } !($1 in ok)' "$T/closure" "$T/owners")
[ -z "$bad" ] || { echo "$bad"; fail "these come from packages setup.sh --build does not install"; }
log "$(wc -l <"$T/real") files from $(cut -d' ' -f1 "$T/owners" | sort -u | wc -l) packages"

# Without the packages, an internal target says what to run.
fresh_copy
PATH=$fake:$PATH make -C "$T/src" programs >"$T/make.log" 2>&1 &&
    fail "make programs linked without the -dev packages"
grep -q 'run make setup-build first' "$T/make.log" || { cat "$T/make.log"; fail "no hint to run setup"; }
