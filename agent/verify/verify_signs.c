/* Pure readers of what the test boot left: the frames in qemu's packet
 * capture of each NIC (filter-dump's pcap), and the serial console's
 * text, which the guest writes and so is read as hostile input (fuzzed:
 * tests/fuzz/fuzz-verify-signs.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PCAP_HEADER 24
#define PCAP_RECORD 16
#define PCAP_MAX_FRAME (1u << 20)

static uint32_t
le32 (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
         (uint32_t) p[3] << 24;
}

/* buf is the capture from c->offset on (len bytes); counts the whole
 * frames in it and moves c->offset past them (a partial frame is read
 * again next time).  -1 if it is not a little-endian pcap qemu writes.
 */
int
v2v_pcap_count (struct v2v_pcap_count *c, const char *buf, size_t len)
{
  const unsigned char *p = (const unsigned char *) buf;
  size_t at = 0;

  if (c->offset == 0) {
    if (len < PCAP_HEADER)
      return 0;
    if (le32 (p) != 0xa1b2c3d4)
      return -1;
    at = PCAP_HEADER;
  }
  while (len - at >= PCAP_RECORD) {
    uint32_t incl = le32 (p + at + 8);
    if (incl > PCAP_MAX_FRAME)
      return -1;
    if (len - at - PCAP_RECORD < incl)
      break;
    at += PCAP_RECORD + incl;
    c->frames++;
  }
  c->offset += at;
  return 0;
}

/* What a console shows when the boot has failed for good. */
static const char *const deaths[][2] = {
  { "(initramfs)", "an initramfs shell (the root disk was not found)" },
  { "ALERT!", "an initramfs shell (the root disk was not found)" },
  { "dracut:/#", "a dracut emergency shell (the root disk was not found)" },
  { "Kernel panic", "a kernel panic" },
  { "emergency mode", "systemd's emergency mode" },
  { "Shell> ", "the UEFI shell (no bootable disk)" },
  { "No bootable device", "the BIOS found no bootable disk" },
};

/* A login prompt: "login:" and spaces, then the end of a line (seen: it
 * stays) or the end of what the console has written so far (*at_end:
 * it holds only while nothing follows, as getty waits after its prompt).
 */
static bool
has_login (const char *s, bool *at_end)
{
  const char *p;
  bool line = false;

  *at_end = false;
  for (p = strstr (s, "login:"); p; p = strstr (p + 1, "login:")) {
    const char *q = p + 6;
    while (*q == ' ')
      q++;
    if (p - s >= 5 && memcmp (p - 5, "Last ", 5) == 0)
      continue;                 /* "Last login: ...": after a login */
    if (*q == '\r' || *q == '\n' || *q == '[')
      line = true;              /* '[': the kernel's next line cut in */
    else if (*q == '\0')
      *at_end = true;
  }
  return line;
}

/* Scans len more bytes of the console (any bytes, NULs included). */
void
v2v_console_scan (struct v2v_console_scan *s, const char *buf, size_t len)
{
  char chunk[4096 + sizeof s->tail];
  size_t t, n, i;
  bool at_end;

  while (len > 0) {
    t = strlen (s->tail);
    n = len < 4096 ? len : 4096;
    memcpy (chunk, s->tail, t);
    for (i = 0; i < n; ++i)
      chunk[t + i] = buf[i] ? buf[i] : ' ';
    chunk[t + n] = '\0';
    if (has_login (chunk, &at_end))
      s->login_seen = true;
    s->login = s->login_seen || at_end;
    for (i = 0; s->death == NULL && i < sizeof deaths / sizeof deaths[0]; ++i)
      if (strstr (chunk, deaths[i][0]))
        s->death = deaths[i][1];
    /* The panic's reason follows it, maybe in a later read. */
    if (strstr (chunk, "IO-APIC + timer doesn't work"))
      s->death = V2V_VERIFY_TIMER_PANIC;
    /* keep the end: a prompt or a sign cut in two by the reads */
    i = t + n < sizeof s->tail - 1 ? 0 : t + n - (sizeof s->tail - 1);
    memmove (s->tail, chunk + i, t + n - i + 1);
    buf += n;
    len -= n;
  }
}
