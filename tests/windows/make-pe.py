#!/usr/bin/env python3
"""Write a minimal PE executable header for a phony Windows guest.

libguestfs finds a Windows guest's architecture from the header of
System32\\cmd.exe; this writes a PE32+ x86-64 (or PE32 i386) console
header with no sections, which is all that is read.

Usage: make-pe.py OUTPUT x86_64|i386
"""
import struct
import sys

out, arch = sys.argv[1], sys.argv[2]
machine, magic, opt_size = ((0x8664, 0x20B, 240) if arch == "x86_64"
                            else (0x14C, 0x10B, 224))
dos = bytearray(64)
dos[0:2] = b"MZ"
struct.pack_into("<I", dos, 0x3C, 64)
coff = b"PE\0\0" + struct.pack("<HHIIIHH", machine, 0, 0, 0, 0, opt_size,
                               0x0022)
opt = bytearray(opt_size)
struct.pack_into("<H", opt, 0, magic)
struct.pack_into("<H", opt, 68, 3)   # subsystem: Windows console
with open(out, "wb") as f:
    f.write(bytes(dos) + coff + bytes(opt))
