/* The power-state decisions of agent/source/power.c, with a fake source
 * table: a powered-on or suspended VM is refused at the start (with
 * what to do), shut down only with --shutdown-source (hard only with
 * --hard-power-off), refused at the re-checks when it was powered on
 * meanwhile; a source that cannot tell warns, once, at the start.  And
 * vim-cmd's answers (vimcmd.c), in VMware's documented formats and
 * hostile ones.
 */
#include "internal.h"
#include "unit.h"

/* ---- a fake source ---- */

static enum v2v_power fake_state;
static enum v2v_power fake_after_shutdown;
static int fake_calls, fake_shutdowns, fake_fail_state;
static unsigned fake_timeout;
static bool fake_hard;

static int
fake_power_state (struct run *run, enum v2v_power *state, char *how,
                  size_t howlen)
{
  (void) run;
  fake_calls++;
  if (fake_fail_state) {
    v2v_error ("fake: connection lost");
    return -1;
  }
  *state = fake_state;
  snprintf (how, howlen, "%s", fake_state == V2V_POWER_UNKNOWN
            ? "fake cannot tell" : "fake API");
  return 0;
}

static int
fake_shutdown (struct run *run, unsigned timeout, bool hard)
{
  (void) run;
  fake_shutdowns++;
  fake_timeout = timeout;
  fake_hard = hard;
  fake_state = fake_after_shutdown;
  return 0;
}

static const struct v2v_source_ops fake = {
  .name = "fake", .power_state = fake_power_state, .shutdown = fake_shutdown,
};
static const struct v2v_source_ops blind = { .name = "blind" };
static const struct v2v_source_ops no_shutdown = {
  .name = "noshut", .power_state = fake_power_state,
};

/* ---- what the run said ---- */

static char said[4096];
static int warnings, infos;

static void
progress (const struct v2v_event *ev, void *opaque)
{
  (void) opaque;
  if (ev->type == V2V_EVENT_WARNING)
    warnings++;
  if (ev->type == V2V_EVENT_INFO)
    infos++;
  if (ev->message)
    snprintf (said + strlen (said), sizeof said - strlen (said), "%s\n",
              ev->message);
}

static struct v2v_config cfg;

static struct run
fresh (enum v2v_power state)
{
  struct run run = { .cfg = &cfg, .progress = progress };

  memset (&cfg, 0, sizeof cfg);
  cfg.vm.vmx = (char *) "[datastore1] web01/web01.vmx";
  fake_state = state;
  fake_after_shutdown = V2V_POWER_OFF;
  fake_calls = fake_shutdowns = fake_fail_state = 0;
  fake_timeout = 0;
  fake_hard = false;
  said[0] = '\0';
  warnings = infos = 0;
  v2v_clear_error ();
  v2v_set_stage ("source");
  return run;
}

static void
decisions (void)
{
  struct run run;

  /* off: on; every check passes, the first says so */
  run = fresh (V2V_POWER_OFF);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == 0);
  CHECK_CONTAINS (said, "[datastore1] web01/web01.vmx is powered off "
                  "(fake API)");
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_BEFORE_OVERLAY) == 0);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AFTER_COPY) == 0);
  CHECK (warnings == 0 && fake_shutdowns == 0);

  /* on, no option: refused with the state, how, and what to do */
  run = fresh (V2V_POWER_ON);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == -1);
  CHECK_STR (v2v_last_error (), "source: [datastore1] web01/web01.vmx is "
             "powered on (fake API): shut it down in vSphere, or add options "
             "--shutdown-source to shut it down first");
  CHECK (fake_shutdowns == 0);

  /* suspended, no option: both options named */
  run = fresh (V2V_POWER_SUSPENDED);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == -1);
  CHECK_CONTAINS (v2v_last_error (), "is suspended (fake API): shut it down "
                  "in vSphere, or add options --shutdown-source "
                  "--hard-power-off");

  /* on, --shutdown-source: shut down (default timeout, not hard), then
   * checked again
   */
  run = fresh (V2V_POWER_ON);
  cfg.options.shutdown_source = true;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == 0);
  CHECK (fake_shutdowns == 1 && fake_timeout == V2V_SHUTDOWN_TIMEOUT &&
         !fake_hard && fake_calls == 2);
  CHECK_CONTAINS (said, "shutting it down (a guest shutdown)");
  CHECK_CONTAINS (said, "is powered off now (fake API)");

  /* the timeout and --hard-power-off are passed on */
  run = fresh (V2V_POWER_ON);
  cfg.options.shutdown_source = true;
  cfg.options.shutdown_timeout = 42;
  cfg.options.hard_power_off = true;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == 0);
  CHECK (fake_timeout == 42 && fake_hard);
  CHECK_CONTAINS (said, "then a hard power-off if it is not off in time");

  /* the shutdown said it worked, but the state says on: refused */
  run = fresh (V2V_POWER_ON);
  cfg.options.shutdown_source = true;
  fake_after_shutdown = V2V_POWER_ON;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == -1);
  CHECK_CONTAINS (v2v_last_error (), "is still powered on after the "
                  "shutdown");

  /* suspended: a guest shutdown cannot work; only with --hard-power-off */
  run = fresh (V2V_POWER_SUSPENDED);
  cfg.options.shutdown_source = true;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == -1);
  CHECK_CONTAINS (v2v_last_error (), "resume it and shut it down");
  CHECK (fake_shutdowns == 0);
  run = fresh (V2V_POWER_SUSPENDED);
  cfg.options.shutdown_source = true;
  cfg.options.hard_power_off = true;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == 0);
  CHECK (fake_shutdowns == 1 && fake_hard);

  /* a source that cannot shut down */
  run = fresh (V2V_POWER_ON);
  cfg.options.shutdown_source = true;
  CHECK (v2v_power_check_with (&run, &no_shutdown, V2V_POWER_AT_START)
         == -1);
  CHECK_CONTAINS (v2v_last_error (), "the noshut source cannot shut it "
                  "down");

  /* the option never shuts down at the re-checks: powered on meanwhile
   * fails the run
   */
  run = fresh (V2V_POWER_OFF);
  cfg.options.shutdown_source = true;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == 0);
  fake_state = V2V_POWER_ON;
  v2v_set_stage ("overlay");
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_BEFORE_OVERLAY) == -1);
  CHECK_CONTAINS (v2v_last_error (), "overlay: [datastore1] web01/web01.vmx "
                  "was powered on during the run (fake API): its disks are "
                  "changing; nothing was written");
  v2v_set_stage ("define");
  fake_state = V2V_POWER_SUSPENDED;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AFTER_COPY) == -1);
  CHECK_CONTAINS (v2v_last_error (), "was suspended during the run (fake "
                  "API): the copy is not consistent and is removed");
  CHECK (fake_shutdowns == 0);

  /* a source that cannot tell: one warning, at the start only */
  run = fresh (V2V_POWER_UNKNOWN);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == 0);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_BEFORE_OVERLAY) == 0);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AFTER_COPY) == 0);
  CHECK (warnings == 1);
  CHECK_CONTAINS (said, "cannot tell whether [datastore1] web01/web01.vmx "
                  "is powered off (fake cannot tell)");
  run = fresh (V2V_POWER_UNKNOWN);
  CHECK (v2v_power_check_with (&run, &blind, V2V_POWER_AT_START) == 0);
  CHECK (v2v_power_check_with (&run, &blind, V2V_POWER_AFTER_COPY) == 0);
  CHECK (warnings == 1);
  CHECK_CONTAINS (said, "(the blind source cannot tell)");

  /* a state that cannot be read fails the check (the re-checks too) */
  run = fresh (V2V_POWER_OFF);
  fake_fail_state = 1;
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AT_START) == -1);
  CHECK (v2v_power_check_with (&run, &fake, V2V_POWER_AFTER_COPY) == -1);
  CHECK_CONTAINS (v2v_last_error (), "connection lost");
}

/* ---- vim-cmd's answers ---- */

#define GETALLVMS \
  "Vmid        Name                            File                          " \
  "   Guest OS          Version   Annotation\n" \
  "1      vCLS-3f5e [x]     [datastore1] vCLS-3f5e/vCLS-3f5e.vmx   " \
  "otherLinux64Guest   vmx-11    vSphere Cluster Service VM\n" \
  "12     web01            [datastore1] web01/web01.vmx     " \
  "centos7_64Guest    vmx-14    line one of a note,\n" \
  "99 this line continues the note: [datastore1] web01/web01.vmx\r\n" \
  "13     web 01 (copy)    [datastore 2] web01/web01.vmx    " \
  "centos7_64Guest    vmx-14\n"

static void
vimcmd (void)
{
  long id;
  enum v2v_power st;
  const char *t = GETALLVMS;

  /* the Vmid of a .vmx; a note line that starts with digits and names
   * the same .vmx makes it ambiguous (no id)
   */
  CHECK (v2v_vimcmd_vmid (t, strlen (t), "[datastore 2] web01/web01.vmx",
                          &id) == 1 && id == 13);
  CHECK (v2v_vimcmd_vmid (t, strlen (t), "[datastore1] vCLS-3f5e/"
                          "vCLS-3f5e.vmx", &id) == 1 && id == 1);
  CHECK (v2v_vimcmd_vmid (t, strlen (t), "[datastore1] web01/web01.vmx",
                          &id) == 2 && id == 0);
  CHECK (v2v_vimcmd_vmid (t, strlen (t), "[datastore1] web01/web0.vmx",
                          &id) == 0 && id == 0);
  CHECK (v2v_vimcmd_vmid (t, strlen (t), "web01/web01.vmx", &id) == 0);
  /* no header: not vim-cmd's list (internal-sftp, a shell's error) */
  t = "12     web01            [datastore1] web01/web01.vmx\n";
  CHECK (v2v_vimcmd_vmid (t, strlen (t), "[datastore1] web01/web01.vmx",
                          &id) == 0);
  t = "sh: vim-cmd: not found\n";
  CHECK (v2v_vimcmd_vmid (t, strlen (t), "[datastore1] web01/web01.vmx",
                          &id) == 0);
  /* a NUL in a line, an id out of range, an empty text */
  {
    static const char nul[] = "Vmid  Name\n12\0 web01  [ds] a/a.vmx\n"
      "99999999999999999999 x [ds] a/a.vmx\n";
    CHECK (v2v_vimcmd_vmid (nul, sizeof nul - 1, "[ds] a/a.vmx", &id) == 0);
    CHECK (v2v_vimcmd_vmid ("", 0, "[ds] a/a.vmx", &id) == 0);
  }

  t = "Retrieved runtime info\nPowered on\n";
  CHECK (v2v_vimcmd_power (t, strlen (t), &st) == 0 && st == V2V_POWER_ON);
  t = "Retrieved runtime info\r\nPowered off  \r\n";
  CHECK (v2v_vimcmd_power (t, strlen (t), &st) == 0 && st == V2V_POWER_OFF);
  t = "Retrieved runtime info\nSuspended";
  CHECK (v2v_vimcmd_power (t, strlen (t), &st) == 0 &&
         st == V2V_POWER_SUSPENDED);
  t = "Retrieved runtime info\nPowered off\nPowered on\n";
  CHECK (v2v_vimcmd_power (t, strlen (t), &st) == -1 &&
         st == V2V_POWER_UNKNOWN);
  t = "Retrieved runtime info\nPowered onion\n Powered on\n";
  CHECK (v2v_vimcmd_power (t, strlen (t), &st) == -1);
  t = "(vim.fault.NotFound) {\n   msg = \"Unable to find a VM "
      "corresponding to \"12\"\"\n}\n";
  CHECK (v2v_vimcmd_power (t, strlen (t), &st) == -1);
  CHECK_STR (v2v_power_name (V2V_POWER_SUSPENDED), "suspended");
}

int
main (void)
{
  decisions ();
  vimcmd ();
  return unit_done ("test-power");
}
