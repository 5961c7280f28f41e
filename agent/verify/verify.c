/* The verify stage (kickstart options --verify-boot): the converted VM,
 * just defined, booted once where it will run (the destination's verify
 * op: qemu on this host for a directory, verify_local.c; a transient
 * domain on the KVM host for libvirt, verify_libvirt.c), as the defined
 * domain describes it but behind throwaway overlays and with its NICs
 * isolated; booted or not from signs that need nothing inside the guest
 * (verify_report.c).  A kernel killed by its timer check under TCG is
 * booted again.  The converted disks are only read; the overlays,
 * sockets and captures go on every exit path; the VM is never removed.
 * The report goes to run->verify_text, the screenshot beside the VM
 * (run->screenshot).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Where the screenshot goes: beside the converted VM in a directory,
 * else in the work directories' parent.  Caller frees.
 */
static char *
screenshot_path (struct run *run)
{
  const char *dir = run->dest_dir;
  CLEANUP_FREE char *parent = NULL;
  char *path;

  if (dir == NULL) {
    parent = strdup (run->workdir);
    if (parent && strrchr (parent, '/'))
      *strrchr (parent, '/') = '\0';
    dir = parent && *parent ? parent : "/var/tmp";
  }
  if (asprintf (&path, "%s/%s-verify.png", dir, run->name) == -1)
    return NULL;
  return path;
}

int
v2v_verify_boot (struct run *run)
{
  const struct v2v_options *o = &run->cfg->options;
  unsigned timeout = o->verify_timeout ? o->verify_timeout
                     : V2V_VERIFY_DEFAULT_TIMEOUT;
  CLEANUP_FREE struct v2v_domain_disk *disks = NULL;
  CLEANUP_FREE char *shot = NULL, *dest = NULL;
  struct v2v_verify_signs signs;
  struct v2v_domain dom;
  unsigned tries;

  if (v2v_output_domain (run, &dom, &disks) == -1)
    return -1;
  if (asprintf (&shot, "%s/verify-screen.png", run->workdir) == -1 ||
      (dest = screenshot_path (run)) == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  for (tries = 1; ; ++tries) {
    memset (&signs, 0, sizeof signs);
    unlink (shot);
    if (v2v_dest_verify (run, &dom, timeout, shot, &signs) == -1)
      return -1;
    if (signs.kvm || signs.death == NULL ||
        strcmp (signs.death, V2V_VERIFY_TIMER_PANIC) != 0 ||
        tries == V2V_VERIFY_TCG_TRIES)
      break;
    v2v_info (run, "verify: %s after %.0f s under TCG (the emulated CPU was "
              "starved): booting again", signs.death, signs.seconds);
  }
  free (run->screenshot);
  run->screenshot = NULL;
  if (access (shot, F_OK) == 0) {
    if (v2v_verify_copy_file (shot, dest) == 0) {
      run->screenshot = dest;
      dest = NULL;
    }
    else
      v2v_warning (run, "cannot write the screenshot %s: %m", dest);
    unlink (shot);
  }
  free (run->verify_text);
  run->verify_text = v2v_verify_report (&signs, dom.nr_nics, run->screenshot);
  if (run->verify_text == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  run->verify_ok = v2v_verify_booted (&signs, dom.nr_nics);
  if (run->verify_ok || o->verify_report_only) {
    (run->verify_ok ? v2v_info : v2v_warning) (run, "%s", run->verify_text);
    return 0;
  }
  v2v_error ("%s; the converted VM is left as it is", run->verify_text);
  return -1;
}
