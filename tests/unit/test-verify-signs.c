/* The verify stage's readers and verdict: frames in a pcap read in
 * pieces, a login prompt and failures on a console cut anywhere, and the
 * report's words.
 */
#include "internal.h"
#include "unit.h"

static size_t
put32 (char *p, uint32_t v)
{
  p[0] = (char) (v & 0xff); p[1] = (char) (v >> 8 & 0xff);
  p[2] = (char) (v >> 16 & 0xff); p[3] = (char) (v >> 24);
  return 4;
}

/* A pcap with n frames of 60 bytes. */
static size_t
make_pcap (char *buf, unsigned n)
{
  size_t len = 0;

  memset (buf, 0, 24 + n * 76);
  put32 (buf, 0xa1b2c3d4);
  len = 24;
  for (unsigned i = 0; i < n; ++i) {
    put32 (buf + len + 8, 60);
    put32 (buf + len + 12, 60);
    len += 16 + 60;
  }
  return len;
}

/* Feed the file in pieces of step bytes, as growing reads from offset. */
static uint64_t
count_in_steps (const char *buf, size_t len, size_t step)
{
  struct v2v_pcap_count c = { 0 };
  size_t have;

  for (have = step; ; have += step) {
    if (have > len)
      have = len;
    CHECK (v2v_pcap_count (&c, buf + c.offset, have - c.offset) == 0);
    if (have == len)
      break;
  }
  return c.frames;
}

static struct v2v_console_scan
scan_in_steps (const char *text, size_t step)
{
  struct v2v_console_scan s = { 0 };
  size_t len = strlen (text), i;

  for (i = 0; i < len; i += step)
    v2v_console_scan (&s, text + i, len - i < step ? len - i : step);
  return s;
}

int
main (void)
{
  static char pcap[24 + 40 * 76];
  size_t len = make_pcap (pcap, 40);
  struct v2v_pcap_count c = { 0 };
  struct v2v_console_scan s;
  struct v2v_verify_signs signs = { 0 };
  char *text;

  CHECK (count_in_steps (pcap, len, len) == 40);
  CHECK (count_in_steps (pcap, len, 7) == 40);
  CHECK (count_in_steps (pcap, len - 1, 100) == 39);   /* the last is partial */
  CHECK (v2v_pcap_count (&c, "not a pcap at all, really", 25) == -1);
  c.offset = 0;
  put32 (pcap + 24 + 8, 1u << 30);                     /* a huge frame */
  CHECK (v2v_pcap_count (&c, pcap, len) == -1);

  for (size_t step = 1; step < 40; step += 3) {
    s = scan_in_steps ("[  OK  ] Started getty.\r\n\r\ndebian login: ", step);
    CHECK (s.login && s.death == NULL);
    s = scan_in_steps ("v2v-test-guest login: [   30.551338] fbcon: virtio\r\n", step);
    CHECK (s.login);
    s = scan_in_steps ("Last login: Mon Dec  1 10:00 on ttyS0\r\n$ ", step);
    CHECK (!s.login);
    s = scan_in_steps ("Gave up waiting for root file system device.\r\n"
                       "ALERT!  /dev/sda1 does not exist.  Dropping to a "
                       "shell!\r\n(initramfs) ", step);
    CHECK (s.death && strstr (s.death, "initramfs") && !s.login);
    s = scan_in_steps ("[ 1.0] Kernel panic - not syncing: VFS", step);
    CHECK (s.death && strcmp (s.death, "a kernel panic") == 0);
    s = scan_in_steps ("[ 0.05] Kernel panic - not syncing: IO-APIC + timer "
                       "doesn't work!  Boot with apic=debug", step);
    CHECK (s.death && strcmp (s.death, V2V_VERIFY_TIMER_PANIC) == 0);
  }
  /* NULs and binary noise do not stop the scan. */
  s = (struct v2v_console_scan) { 0 };
  {
    static const char noisy[] = "\0\0\xff\x01 host login: ";
    v2v_console_scan (&s, noisy, sizeof noisy - 1);
  }
  CHECK (s.login);

  signs.packets = 12;
  signs.login = true;
  signs.seconds = 31.2;
  CHECK (v2v_verify_booted (&signs, 1));
  text = v2v_verify_report (&signs, 1, NULL);
  CHECK_STR (text, "booted in 31 s (NIC sent 12 packets, login prompt on ttyS0)");
  free (text);
  signs = (struct v2v_verify_signs) { .seconds = 180 };
  CHECK (!v2v_verify_booted (&signs, 1));
  text = v2v_verify_report (&signs, 1, "/srv/vms/a-verify.png");
  CHECK_STR (text, "no sign of life after 180 s (NIC sent 0 packets); "
             "screenshot: /srv/vms/a-verify.png");
  free (text);
  signs = (struct v2v_verify_signs) { .packets = 3, .resets = 3, .seconds = 50 };
  CHECK (!v2v_verify_booted (&signs, 1));
  text = v2v_verify_report (&signs, 1, NULL);
  CHECK_STR (text, "did not boot: reset 3 times in 50 s (a reset loop) "
             "(NIC sent 3 packets)");
  free (text);
  signs = (struct v2v_verify_signs) { .login = true, .seconds = 20 };
  text = v2v_verify_report (&signs, 0, NULL);
  CHECK_STR (text, "booted in 20 s (no NIC to watch, login prompt on ttyS0)");
  free (text);
  return unit_done ("verify-signs");
}
