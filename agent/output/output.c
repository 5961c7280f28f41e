/* The destination, whichever it is: a directory (output_local.c) or a
 * libvirt pool (output_libvirt.c).  The pipeline calls only these.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static bool
is_libvirt (const struct run *run)
{
  return run->cfg->dest.type == V2V_DEST_LIBVIRT;
}

/* Raw disks: asked for, or the default in a libvirt pool. */
bool
v2v_dest_raw (const struct run *run)
{
  return run->cfg->dest.format == V2V_FORMAT_RAW ||
         (run->cfg->dest.format == V2V_FORMAT_DEFAULT && is_libvirt (run));
}

int
v2v_dest_check (struct run *run)
{
  return is_libvirt (run) ? v2v_libvirt_check_pool (run)
    : v2v_local_check_dir (run);
}

void
v2v_dest_sweep (const struct v2v_config *cfg, v2v_say_fn say, void *opaque)
{
  if (cfg->dest.type == V2V_DEST_LOCAL && cfg->dest.dir)
    v2v_local_sweep (cfg->dest.dir, say, opaque);
}

int
v2v_dest_check_names (struct run *run)
{
  return is_libvirt (run) ? v2v_libvirt_check_names (run)
    : v2v_local_check_names (run);
}

int
v2v_dest_space (struct run *run, uint64_t need, const char *what)
{
  return is_libvirt (run) ? v2v_libvirt_space (run, need, what)
    : v2v_local_space (run, need, what);
}

int
v2v_dest_copy (struct run *run, struct disk_state *d, int i)
{
  return is_libvirt (run) ? v2v_libvirt_copy_disk (run, d, i)
    : v2v_copy_disk (run, d, i);
}

/* "NAME-sda", "NAME-sdb", ... "NAME-sdaa": disk i of the converted VM,
 * named as the guest knew it.  Caller frees.
 */
char *
v2v_disk_name (const struct run *run, size_t i)
{
  char dev[32];
  char *s;

  if (v2v_drive_name ("sd", i, dev, sizeof dev) == -1 ||
      asprintf (&s, "%s-%s", run->name, dev) == -1)
    return NULL;
  return s;
}

/* The domain XML of the converted VM.  Caller frees. */
char *
v2v_output_domain_xml (struct run *run)
{
  struct v2v_domain dom = { 0 };
  CLEANUP_FREE struct v2v_domain_disk *disks = NULL;
  size_t i;

  disks = calloc (run->nr_disks, sizeof *disks);
  if (disks == NULL)
    return NULL;
  for (i = 0; i < run->nr_disks; ++i) {
    disks[i].path = run->disks[i].out_path;
    disks[i].format = v2v_dest_raw (run) ? V2V_FORMAT_RAW : V2V_FORMAT_QCOW2;
  }
  dom.name = run->name;
  dom.memory_mib = run->memory_mib;
  dom.vcpus = run->vcpus;
  dom.firmware = run->firmware != V2V_FW_AUTO ? run->firmware
    : run->guest.firmware;
  dom.disks = disks;
  dom.nr_disks = run->nr_disks;
  dom.block_driver = run->block_driver;
  dom.nics = run->nics;
  dom.nr_nics = run->nr_nics;
  dom.windows = run->guest.type && strcmp (run->guest.type, "windows") == 0;
  dom.legacy_machine = dom.windows && (run->guest.major < 6 ||
                                       (run->guest.major == 6 &&
                                        run->guest.minor < 2));
  dom.nic_model = !dom.windows || run->win.virtio_net ? "virtio"
    : dom.legacy_machine ? "e1000" : "e1000e";
  return v2v_domain_xml (&dom);
}

int
v2v_dest_finish (struct run *run)
{
  CLEANUP_FREE char *xml = v2v_output_domain_xml (run);

  if (xml == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  return is_libvirt (run) ? v2v_libvirt_define (run, xml)
    : v2v_local_finish (run, xml);
}

void
v2v_dest_abort (struct run *run)
{
  if (is_libvirt (run))
    v2v_libvirt_abort (run);
  else
    v2v_local_abort (run);
}

void
v2v_dest_close (struct run *run)
{
  if (is_libvirt (run))
    v2v_libvirt_close (run);
  else
    v2v_local_release (run);
}

/* A clean-up step could not remove what this run created: say what is
 * left, by name, whatever the verbosity.  An error event of its own (stage
 * "cleanup"), and added to the run's error, so that the final message, the
 * done event and the batch summary name it too.  left: what is left and
 * how to remove it; why: the reason.
 */
void
v2v_cleanup_failed (struct run *run, const char *left, const char *why)
{
  const char *stage = v2v_stage ();
  CLEANUP_FREE char *saved = v2v_last_error () ? strdup (v2v_last_error ())
    : NULL;
  size_t n = strlen (stage);

  v2v_set_stage ("cleanup");
  v2v_error ("left behind: %s: %s", left, why);
  v2v_event_error (run);
  v2v_set_stage (stage);
  if (saved == NULL)
    v2v_error ("left behind: %s: %s", left, why);
  else
    v2v_error ("%s; left behind: %s: %s",
               strncmp (saved, stage, n) == 0 && strncmp (saved + n, ": ", 2)
               == 0 ? saved + n + 2 : saved, left, why);
}

/* "DIR" or "pool P on URI", for messages.  Owned by the run. */
const char *
v2v_dest_describe (struct run *run)
{
  const struct v2v_destination *d = &run->cfg->dest;

  free (run->dest_text);
  if (is_libvirt (run)) {
    if (asprintf (&run->dest_text, "pool %s on %s", d->pool, d->uri) == -1)
      run->dest_text = NULL;
  }
  else
    run->dest_text = strdup (run->dest_dir ? run->dest_dir : d->dir);
  return run->dest_text ? run->dest_text : "the destination";
}

/* What the operator does next.  Owned by the run. */
const char *
v2v_dest_next_step (struct run *run)
{
  free (run->next_text);
  if (is_libvirt (run)) {
    if (asprintf (&run->next_text, "start it with: virsh -c %s start %s",
                  run->cfg->dest.uri, run->name) == -1)
      run->next_text = NULL;
  }
  else if (asprintf (&run->next_text, "define it with: virsh define %s",
                     run->xml_path) == -1)
    run->next_text = NULL;
  return run->next_text ? run->next_text : "";
}

/* ---- claims on a name (output_local.c, output_libvirt.c) ----
 *
 * A claim says who writes a name now: the VM, the process, the host, the
 * machine (its DMI UUID, or machine-id) and its boot; then lines the
 * output adds (its temporary files or volumes).  Text read back from a
 * claim is hostile: fields are cleaned and bounded.
 */

/* Text from a .vmx or a claim goes out without control characters. */
static void
put_clean (struct v2v_strbuf *sb, const char *s, size_t n)
{
  for (; n > 0 && *s; ++s, --n)
    v2v_sb_add (sb, (unsigned char) *s < 0x20 || *s == 0x7f ? "?" : s, 1);
}

/* The value of "KEY=" in a claim, into buf (cleaned, bounded); "?" if
 * there is none.
 */
const char *
v2v_claim_field (const char *text, const char *key, char *buf, size_t len)
{
  size_t klen = strlen (key), i = 0;
  const char *p = text;

  buf[0] = '\0';
  while (p && *p) {
    if (strncmp (p, key, klen) == 0 && p[klen] == '=') {
      for (p += klen + 1; *p && *p != '\n' && i + 1 < len; ++p)
        buf[i++] = (unsigned char) *p < 0x20 ? '?' : *p;
      buf[i] = '\0';
      break;
    }
    p = strchr (p, '\n');
    if (p)
      p++;
  }
  return buf[0] ? buf : "?";
}

static void
first_line (const char *file, char *buf, size_t len)
{
  FILE *f = fopen (file, "re");

  buf[0] = '\0';
  if (f) {
    if (fgets (buf, (int) len, f) == NULL)
      buf[0] = '\0';
    fclose (f);
  }
  buf[strcspn (buf, "\n")] = '\0';
}

static void
machine_id (char *buf, size_t len)
{
  first_line ("/sys/class/dmi/id/product_uuid", buf, len);
  if (buf[0] == '\0')
    first_line ("/etc/machine-id", buf, len);
}

/* What VM this run converts, for messages.  Points into the run. */
const char *
v2v_vm_label (const struct run *run)
{
  return run->cfg->vm.vmx ? run->cfg->vm.vmx : run->name;
}

/* The owner lines of a claim by this run.  Caller frees. */
char *
v2v_claim_owner (const struct run *run)
{
  struct v2v_strbuf sb = { 0 };
  char host[256] = "", boot[64], machine[64], since[32] = "";
  time_t t = time (NULL);
  struct tm tm;

  gethostname (host, sizeof host - 1);
  first_line ("/proc/sys/kernel/random/boot_id", boot, sizeof boot);
  machine_id (machine, sizeof machine);
  if (gmtime_r (&t, &tm))
    strftime (since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
  v2v_sb_puts (&sb, "v2vboot claim on a VM name: a conversion writes it "
               "now, unless none runs\nvm=");
  put_clean (&sb, v2v_vm_label (run), 1024);
  v2v_sb_printf (&sb, "\npid=%ld\nhost=", (long) getpid ());
  put_clean (&sb, host, sizeof host);
  v2v_sb_printf (&sb, "\nmachine=%s\nboot=%s\nsince=%s\n", machine, boot,
                 since);
  return v2v_sb_finish (&sb);
}

/* Is the run that wrote this claim dead for sure?  Only a run of this
 * machine can be judged: from an earlier boot, or of this boot and its
 * process is gone.  False when we cannot tell (another machine).
 */
bool
v2v_claim_owner_dead (const char *text)
{
  char boot[64], machine[64], want_boot[64], want_machine[64], pid[32];
  char *end;
  long n;

  first_line ("/proc/sys/kernel/random/boot_id", want_boot,
              sizeof want_boot);
  machine_id (want_machine, sizeof want_machine);
  v2v_claim_field (text, "machine", machine, sizeof machine);
  v2v_claim_field (text, "boot", boot, sizeof boot);
  v2v_claim_field (text, "pid", pid, sizeof pid);
  if (want_machine[0] == '\0' || strcmp (machine, want_machine) != 0 ||
      want_boot[0] == '\0')
    return false;
  if (strcmp (boot, want_boot) != 0)
    return true;
  errno = 0;
  n = strtol (pid, &end, 10);
  if (errno || *end || n <= 1 || n == (long) getpid ())
    return false;
  return kill ((pid_t) n, 0) == -1 && errno == ESRCH;
}
