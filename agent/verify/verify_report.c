/* The verdict and its words: "booted in 31 s (NIC sent 12 packets, login
 * prompt on ttyS0)" or "no sign of life after 180 s (...); screenshot:
 * FILE".  Booted: a sign that needs the guest's kernel, disk driver and
 * more (NIC frames, a login prompt, the guest agent), and no reset loop,
 * no failure on the console.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* How long a guest that shows its login prompt (or agent) may take to
 * send on its NICs before the watch stops waiting for it.
 */
#define NIC_GRACE 30

bool
v2v_verify_decided (const struct v2v_verify_signs *s, size_t nr_nics,
                    double alive_at)
{
  if (s->death || s->shutdown || s->qemu_died ||
      s->resets >= V2V_VERIFY_RESET_LOOP)
    return true;
  return (s->login || s->agent) &&
    (nr_nics == 0 || s->packets > 0 || s->seconds - alive_at >= NIC_GRACE);
}

bool
v2v_verify_booted (const struct v2v_verify_signs *s, size_t nr_nics)
{
  (void) nr_nics;
  if (s->death || s->resets >= V2V_VERIFY_RESET_LOOP || s->qemu_died)
    return false;
  return s->packets > 0 || s->login || s->agent;
}

/* Caller frees; NULL if out of memory. */
char *
v2v_verify_report (const struct v2v_verify_signs *s, size_t nr_nics,
                   const char *screenshot)
{
  struct v2v_strbuf sb = { 0 };
  const char *sep = " (";

  if (v2v_verify_booted (s, nr_nics))
    v2v_sb_printf (&sb, "booted in %.0f s", s->seconds);
  else if (s->death)
    v2v_sb_printf (&sb, "did not boot: %s after %.0f s", s->death, s->seconds);
  else if (s->resets >= V2V_VERIFY_RESET_LOOP)
    v2v_sb_printf (&sb, "did not boot: reset %u times in %.0f s (a reset "
                   "loop)", s->resets, s->seconds);
  else if (s->qemu_died)
    v2v_sb_printf (&sb, "did not boot: qemu ended after %.0f s", s->seconds);
  else
    v2v_sb_printf (&sb, "no sign of life after %.0f s", s->seconds);
  if (nr_nics > 0) {
    v2v_sb_printf (&sb, "%sNIC sent %" PRIu64 " packet%s", sep, s->packets,
                   s->packets == 1 ? "" : "s");
    sep = ", ";
  }
  else {
    v2v_sb_printf (&sb, "%sno NIC to watch", sep);
    sep = ", ";
  }
  if (s->login)
    v2v_sb_printf (&sb, "%slogin prompt on ttyS0", sep);
  if (s->agent)
    v2v_sb_printf (&sb, "%sguest agent answered", sep);
  if (s->resets > 0 && s->resets < V2V_VERIFY_RESET_LOOP)
    v2v_sb_printf (&sb, "%s%u reset%s", sep, s->resets,
                   s->resets == 1 ? "" : "s");
  if (s->shutdown)
    v2v_sb_printf (&sb, "%sthe guest powered off", sep);
  v2v_sb_puts (&sb, ")");
  if (screenshot)
    v2v_sb_printf (&sb, "; screenshot: %s", screenshot);
  return v2v_sb_finish (&sb);
}
