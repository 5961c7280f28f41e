/* Claims on a name, for the outputs (output_local.c, output_libvirt.c).
 *
 * A claim says who writes a name now: the VM, the process, the host, the
 * machine (its DMI UUID, or machine-id) and its boot; then lines the
 * output adds (its temporary files or volumes).  Text read back from a
 * claim is hostile: fields are cleaned and bounded.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

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
