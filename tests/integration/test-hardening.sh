#!/bin/bash
# The programs are built with Debian's hardening flags (Makefile's
# HARDEN_CFLAGS, HARDEN_LDFLAGS): each of build/v2vboot-agent and
# build/v2vboot-tui is a PIE, has full RELRO (GNU_RELRO and BIND_NOW),
# calls __stack_chk_fail (-fstack-protector-strong) and fortified libc
# functions (__*_chk, -D_FORTIFY_SOURCE=2).  The checker is first shown
# a program built without them, which it must refuse on every count.
source "$(dirname "$0")/../functions.sh"

# hardening_problems FILE: prints one line per missing protection.
hardening_problems () {
    local f=$1 hdr dyn prog syms
    hdr=$(readelf -h -W "$f")
    dyn=$(readelf -d -W "$f")
    prog=$(readelf -l -W "$f")
    syms=$(readelf --dyn-syms -W "$f")
    grep -q 'Type: *DYN' <<<"$hdr" && grep -q 'FLAGS_1.*PIE' <<<"$dyn" ||
        echo "not a PIE"
    grep -q 'GNU_RELRO' <<<"$prog" || echo "no RELRO segment"
    grep -Eq '\(BIND_NOW\)|FLAGS .*BIND_NOW|FLAGS_1.* NOW' <<<"$dyn" ||
        echo "no BIND_NOW (partial RELRO only)"
    grep -q ' __stack_chk_fail' <<<"$syms" || echo "no __stack_chk_fail"
    grep -Eq ' __[a-z0-9_]+_chk(@|$)' <<<"$(grep -v __stack_chk <<<"$syms")" ||
        echo "no fortified __*_chk function"
}

# The checker is not blind: a plain build fails each check.
cat >"$T/plain.c" <<'EOF'
#include <stdio.h>
#include <string.h>
int main (int argc, char **argv)
{
  char buf[64];
  snprintf (buf, sizeof buf, "%s", argc > 1 ? argv[1] : "x");
  puts (buf);
  return (int) strlen (buf);
}
EOF
gcc -O2 -fno-stack-protector -U_FORTIFY_SOURCE -no-pie -fno-pie \
    -Wl,-z,norelro -Wl,-z,lazy -o "$T/plain" "$T/plain.c"
hardening_problems "$T/plain" >"$T/plain.problems"
[ "$(wc -l <"$T/plain.problems")" -eq 5 ] ||
    { cat "$T/plain.problems"; fail "the checker missed a problem of a plain build"; }

for bin in v2vboot-agent v2vboot-tui; do
    f=$top/build/$bin
    [ -x "$f" ] || fail "$f not built (make)"
    problems=$(hardening_problems "$f")
    [ -z "$problems" ] || fail "$bin: $(tr '\n' ';' <<<"$problems")"
    log "$bin: PIE, full RELRO, stack protector, $(readelf --dyn-syms -W "$f" |
        grep -Eo ' __[a-z0-9_]+_chk' | grep -vc stack_chk) fortified functions"
done
