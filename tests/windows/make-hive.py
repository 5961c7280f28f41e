#!/usr/bin/env python3
"""Write an empty Windows registry hive: one root key, nothing else.

hivexregedit --merge can only add to an existing hive, and no Debian
package ships one, so the phony Windows guests start from this.  The
layout is the "regf" format as hivex reads it: a 4 KiB base block, then
one 4 KiB hive bin holding the root key (nk) and its security cell (sk).

Usage: make-hive.py OUTPUT [ROOT-KEY-NAME]
"""
import struct
import sys

BIN_SIZE = 4096


def cell(payload):
    """A used cell: negative size, 8-byte aligned, payload."""
    size = (4 + len(payload) + 7) & ~7
    return struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))


def main():
    out = sys.argv[1]
    name = (sys.argv[2] if len(sys.argv) > 2 else "ROOT").encode("ascii")

    # Cells sit after the 32-byte bin header; offsets count from the bin.
    nk_off = 0x20
    nk_len = len(cell(b"\0" * (0x4C + len(name))))
    sk_off = nk_off + nk_len

    # A minimal self-relative security descriptor (revision 1, no ACLs).
    sd = struct.pack("<BBHIIII", 1, 0, 0x8000, 0, 0, 0, 0)
    sk = b"sk" + struct.pack("<HIIII", 0, sk_off, sk_off, 1, len(sd)) + sd

    nk = b"nk" + struct.pack(
        "<HQIIIIIIIIIIIIIIIHH",
        0x2C,            # flags: hive entry, no delete, ASCII name
        0,               # timestamp
        0,               # access bits
        0,               # parent (none)
        0, 0,            # subkeys, volatile subkeys
        0xFFFFFFFF, 0xFFFFFFFF,  # subkey lists
        0, 0xFFFFFFFF,   # values
        sk_off,          # security cell
        0xFFFFFFFF,      # class name
        0, 0, 0, 0, 0,   # max lengths, work var
        len(name), 0) + name

    cells = cell(nk) + cell(sk)
    free = BIN_SIZE - 0x20 - len(cells)
    hbin = (b"hbin" + struct.pack("<IIIIQI", 0, BIN_SIZE, 0, 0, 0, 0)
            + cells + struct.pack("<i", free) + b"\0" * (free - 4))
    assert len(hbin) == BIN_SIZE

    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIIII", base, 0, b"regf", 1, 1, 0, 1, 3, 0,
                     1, nk_off, BIN_SIZE, 1)
    csum = 0
    for (word,) in struct.iter_unpack("<I", bytes(base[:0x1FC])):
        csum ^= word
    struct.pack_into("<I", base, 0x1FC, csum)

    with open(out, "wb") as f:
        f.write(bytes(base) + hbin)


main()
