/* The copy stage's disks at once (agent/pipeline/copy_disks.c), through
 * the local output's real copy with a fake qemu-img: two disks whose
 * copies each wait for the other to start (copied one after the other,
 * the first would time out); the first disk that fails stops the other
 * (its qemu-img gets SIGTERM), starts no more, and is the error
 * reported; a cancel stops them all.  And the bound on how many at once.
 * Needs 2 cores (this machine and CI have them).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

/* The fake qemu-img: the output file's name says what it does. */
static const char fake_qemu_img[] =
  "#!/bin/sh\n"
  "for out; do :; done\n"
  "dir=${out%/*} name=${out##*/}; name=${name%.part}\n"
  "case $name in slow-*)\n"
  "  trap 'kill $s; : >\"$dir/$name.killed\"; exit 143' TERM ;; esac\n"
  ": >\"$dir/$name.started\"\n"
  "case $name in\n"
  "wait-*) peer=wait-$(cat \"$dir/$name.peer\"); i=0\n"
  "  while [ ! -e \"$dir/$peer.started\" ] && [ $i -lt 200 ]; do\n"
  "    sleep 0.1; i=$((i+1)); done\n"
  "  [ -e \"$dir/$peer.started\" ] || { echo \"qemu-img: $peer did not "
  "start\"; exit 1; }\n"
  "  echo '    (100.00/100%)' ;;\n"
  "fail-*) i=0; while [ ! -e \"$dir/slow-0.started\" ] && [ $i -lt 200 ]\n"
  "  do sleep 0.1; i=$((i+1)); done\n"
  "  echo \"qemu-img: boom $name\"; exit 1 ;;\n"
  /* (sleep's output goes nowhere: a TERM between its fork and s=$! leaves
   * it running, and it must not hold the pipe the agent reads to EOF)
   */
  "slow-*) sleep 60 >/dev/null 2>&1 & s=$!; wait $s ;;\n"
  "esac\n";

#define MAX_EVENTS 256
static struct { enum v2v_event_type type; int disk; bool last; }
  events[MAX_EVENTS];
static size_t nr_events;

static void
record (const struct v2v_event *ev, void *opaque)
{
  (void) opaque;
  if (nr_events < MAX_EVENTS &&
      (ev->type == V2V_EVENT_STAGE || ev->type == V2V_EVENT_COPY)) {
    events[nr_events].type = ev->type;
    events[nr_events].disk = ev->disk;
    events[nr_events].last = ev->type == V2V_EVENT_COPY &&
                             ev->done == ev->total;
    nr_events++;
  }
}

/* The index of the first event of type for disk (last: the copy's
 * end), or MAX_EVENTS.
 */
static size_t
find (enum v2v_event_type type, int disk, bool last)
{
  size_t i;

  for (i = 0; i < nr_events; ++i)
    if (events[i].type == type && events[i].disk == disk &&
        (type != V2V_EVENT_COPY || events[i].last == last))
      return i;
  return MAX_EVENTS;
}

static bool
exists (const char *dir, const char *name, const char *suffix)
{
  char path[600];

  snprintf (path, sizeof path, "%s/%s%s", dir, name, suffix);
  return access (path, F_OK) == 0;
}

struct vm {
  struct v2v_config cfg;
  struct run run;
  struct disk_state disks[3];
  char out[3][600];
};

/* A VM of n disks whose outputs are DIR/NAME.part, NAME from names. */
static void
make_vm (struct vm *vm, const char *dir, const char *const *names, size_t n)
{
  size_t i;

  memset (vm, 0, sizeof *vm);
  vm->cfg.dest.type = V2V_DEST_LOCAL;
  vm->cfg.options.connections = 4;
  vm->run.cfg = &vm->cfg;
  vm->run.progress = record;
  vm->run.raw_disks = true;
  vm->run.disks = vm->disks;
  vm->run.nr_disks = n;
  for (i = 0; i < n; ++i) {
    snprintf (vm->out[i], sizeof vm->out[i], "%s/%s.part", dir, names[i]);
    vm->disks[i].out_tmp = vm->out[i];
    vm->disks[i].overlay = (char *) "/nonexistent/overlay.qcow2";
    vm->disks[i].label = names[i];
    vm->disks[i].data_bytes = 1 << 20;
  }
  nr_events = 0;
}

static void
width (void)
{
  CHECK (v2v_copy_width (1, 2, 4) == 1);
  CHECK (v2v_copy_width (4, 2, 4) == 2);     /* the cores */
  CHECK (v2v_copy_width (4, 8, 4) == 2);     /* 8 source connections */
  CHECK (v2v_copy_width (4, 8, 0) == 2);     /* --connections' default */
  CHECK (v2v_copy_width (4, 8, 1) == 4);
  CHECK (v2v_copy_width (8, 16, 2) == 4);
  CHECK (v2v_copy_width (4, 8, 16) == 1);    /* more than 8 per disk */
  CHECK (v2v_copy_width (2, 1, 1) == 1);
  CHECK (v2v_copy_width (0, 2, 4) == 1);
}

static void
at_once (const char *dir)
{
  static const char *const names[] = { "wait-a", "wait-b" };
  struct vm vm;
  char peer[600];
  FILE *f;

  snprintf (peer, sizeof peer, "%s/wait-a.peer", dir);
  f = fopen (peer, "w");
  fputs ("b", f);
  fclose (f);
  snprintf (peer, sizeof peer, "%s/wait-b.peer", dir);
  f = fopen (peer, "w");
  fputs ("a", f);
  fclose (f);
  make_vm (&vm, dir, names, 2);
  CHECK (v2v_copy_disks (&vm.run) == 0);
  if (v2v_last_error ())
    fprintf (stderr, "error: %s\n", v2v_last_error ());
  CHECK (vm.disks[0].out_created && vm.disks[1].out_created);
  /* Both began before either ended. */
  CHECK (find (V2V_EVENT_STAGE, 1, false) < find (V2V_EVENT_COPY, 0, true));
  CHECK (find (V2V_EVENT_STAGE, 0, false) < find (V2V_EVENT_COPY, 1, true));
  CHECK (find (V2V_EVENT_COPY, 0, true) < MAX_EVENTS);
  CHECK (find (V2V_EVENT_COPY, 1, true) < MAX_EVENTS);
  CHECK (!v2v_child_tracked (-1));
}

static void
first_failure_stops_the_rest (const char *dir)
{
  static const char *const names[] = { "slow-0", "fail-1", "slow-2" };
  struct vm vm;
  double start = v2v_now ();

  make_vm (&vm, dir, names, 3);
  CHECK (v2v_copy_disks (&vm.run) == -1);
  CHECK (v2v_now () - start < 20);
  CHECK_CONTAINS (v2v_last_error (), "copy: copy of fail-1 failed: "
                  "qemu-img: boom fail-1");
  CHECK (strcmp (v2v_stage (), "copy") == 0);
  CHECK (exists (dir, "slow-0", ".killed"));
  CHECK (!exists (dir, "slow-2", ".started"));      /* never started */
  CHECK (find (V2V_EVENT_STAGE, 2, false) == MAX_EVENTS);
  CHECK (vm.disks[0].out_created && vm.disks[1].out_created);
  CHECK (!vm.disks[2].out_created);
  CHECK (!v2v_child_tracked (-1));
}

static void *
cancel_when_started (void *arg)
{
  const char *dir = arg;
  int i;

  for (i = 0; i < 400; ++i) {
    if (exists (dir, "slow-a", ".started") &&
        exists (dir, "slow-b", ".started"))
      break;
    usleep (50000);
  }
  v2v_kill_children (SIGTERM);
  return NULL;
}

static void
cancel (const char *dir)
{
  static const char *const names[] = { "slow-a", "slow-b", "slow-c" };
  struct vm vm;
  pthread_t t;
  double start = v2v_now ();

  make_vm (&vm, dir, names, 3);
  pthread_create (&t, NULL, cancel_when_started, (void *) dir);
  CHECK (v2v_copy_disks (&vm.run) == -1);
  pthread_join (t, NULL);
  CHECK (v2v_now () - start < 30);
  CHECK (v2v_cancelled ());
  CHECK (exists (dir, "slow-a", ".killed") &&
         exists (dir, "slow-b", ".killed"));
  CHECK (!exists (dir, "slow-c", ".started"));
  CHECK (!v2v_child_tracked (-1));
}

int
main (void)
{
  char dir[] = "/tmp/v2vboot-test-copy-disks.XXXXXX";
  char fake[600], path[1200];
  const char *old = getenv ("PATH");
  FILE *f;

  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  snprintf (fake, sizeof fake, "%s/qemu-img", dir);
  f = fopen (fake, "w");
  if (f == NULL) {
    perror (fake);
    return 1;
  }
  fputs (fake_qemu_img, f);
  fclose (f);
  chmod (fake, 0755);
  snprintf (path, sizeof path, "%s:%s", dir, old ? old : "/usr/bin:/bin");
  setenv ("PATH", path, 1);

  width ();
  at_once (dir);
  first_failure_stops_the_rest (dir);
  cancel (dir);                 /* last: the process stays cancelled */
  {
    char cmd[700];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK (system (cmd) == 0);
  }
  return unit_done ("copy-disks");
}
