/* The local output's claim on a name (output_local.c): an exclusive
 * file .NAME.v2vboot-claim in the destination directory, locked for the
 * whole run, that says who writes the name and which temporary files it
 * creates.  A claim nobody holds any more was left by a run that was
 * killed (SIGKILL, power loss): the next run into the directory removes
 * it and its temporary files, whatever its name (v2v_local_sweep).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define CLAIM_MAX 4096

/* Who we are and which temporary files we will create.  Caller frees. */
static char *
claim_text (const struct run *run)
{
  struct v2v_strbuf sb = { 0 };
  CLEANUP_FREE char *owner = v2v_claim_owner (run);
  const char *slash;
  size_t i;

  if (owner == NULL)
    return NULL;
  v2v_sb_puts (&sb, owner);
  for (i = 0; i < run->nr_disks; ++i) {
    slash = strrchr (run->disks[i].out_tmp, '/');
    v2v_sb_printf (&sb, "part=%s\n", slash + 1);
  }
  slash = strrchr (run->xml_path, '/');
  v2v_sb_printf (&sb, "part=%s.part\n", slash + 1);
  return v2v_sb_finish (&sb);
}

/* A claim nobody holds: remove the temporary files it lists (only plain
 * names ending in ".part", in the destination directory dir) and say so
 * through say (a message it may keep only for the call).
 */
static void
remove_stale (const char *dir, const char *text, v2v_say_fn say,
              void *opaque)
{
  char vm[256], pid[32], host[256], msg[PATH_MAX + 1024];
  const char *p = text;

  v2v_claim_field (text, "vm", vm, sizeof vm);
  v2v_claim_field (text, "pid", pid, sizeof pid);
  v2v_claim_field (text, "host", host, sizeof host);
  while (p && *p) {
    if (strncmp (p, "part=", 5) == 0) {
      size_t n = strcspn (p + 5, "\n");
      char name[256], path[PATH_MAX];

      if (n > 5 && n < sizeof name) {
        memcpy (name, p + 5, n);
        name[n] = '\0';
        if (!strchr (name, '/') && strcmp (name + n - 5, ".part") == 0 &&
            (size_t) snprintf (path, sizeof path, "%s/%s", dir,
                               name) < sizeof path) {
          int r = unlink (path), err = errno;

          /* Bounded, so that it is said even out of memory. */
          if (r == 0)
            snprintf (msg, sizeof msg, "removed %s, left by a conversion of "
                      "%s that did not finish (pid %s on %s)", path, vm, pid,
                      host);
          else
            snprintf (msg, sizeof msg, "cannot remove %s, left by a "
                      "conversion of %s that did not finish: %s", path, vm,
                      strerror (err));
          if (r == 0 || err != ENOENT)
            say (msg, opaque);
        }
      }
    }
    p = strchr (p, '\n');
    if (p)
      p++;
  }
}

/* v2v_say_fn for a run: a warning of the run. */
static void
warn_run (const char *msg, void *opaque)
{
  v2v_warning (opaque, "%s", msg);
}

static int
lock_fd (int fd)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

  return fcntl (fd, F_OFD_SETLK, &fl);
}

/* Claim run->name in the destination directory, or say who has it. */
int
v2v_local_claim_name (struct run *run)
{
  CLEANUP_FREE char *path = NULL, *mine = NULL;
  char text[CLAIM_MAX];
  int tries;

  if (asprintf (&path, "%s/.%s.v2vboot-claim", run->dest_dir,
                run->name) == -1 || (mine = claim_text (run)) == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  for (tries = 0; tries < 5; ++tries) {
    struct stat a, b;
    bool created = true, locked;
    ssize_t n;
    int fd, lock_errno = 0;

    fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
               0644);
    if (fd == -1 && errno == EEXIST) {
      created = false;
      fd = open (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
      if (fd == -1 && errno == ENOENT)
        continue;               /* released meanwhile */
    }
    if (fd == -1) {
      v2v_error ("%s: %m", path);
      return -1;
    }
    locked = lock_fd (fd) == 0;
    if (!locked) {
      lock_errno = errno;
      if (lock_errno != EAGAIN && lock_errno != EACCES)
        v2v_debug ("%s: no lock on this filesystem (%m)", path);
    }
    if (created && !locked && (lock_errno == EAGAIN || lock_errno == EACCES)) {
      close (fd);               /* another run locked it first: read it */
      continue;
    }
    n = created ? 0 : pread (fd, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    if (!created && locked && strstr (text, "\npid=") == NULL &&
        tries < 4) {
      /* Made an instant ago and not written yet, or left empty by a
       * crash: wait, then take it over.
       */
      struct timespec ts = { 0, 100 * 1000 * 1000 };
      close (fd);
      nanosleep (&ts, NULL);
      continue;
    }
    if (!created && !locked && (lock_errno == EAGAIN || lock_errno == EACCES)
        && tries < 4) {
      /* Held: by a run, or for an instant by another run's sweep looking
       * at it (v2v_local_sweep).  Look again before refusing.
       */
      struct timespec ts = { 0, 100 * 1000 * 1000 };
      close (fd);
      nanosleep (&ts, NULL);
      continue;
    }
    if (!created && !locked && (lock_errno == EAGAIN || lock_errno == EACCES
                                || !v2v_claim_owner_dead (text))) {
      bool held = lock_errno == EAGAIN || lock_errno == EACCES;
      char vm[256], pid[32], host[256], since[32];
      close (fd);
      v2v_error ("the name %s is already being written in %s by the "
                 "conversion of %s (pid %s on %s, since %s); %s would get "
                 "the same name: give one of them another (vm --name)%s%s",
                 run->name, run->dest_dir,
                 v2v_claim_field (text, "vm", vm, sizeof vm),
                 v2v_claim_field (text, "pid", pid, sizeof pid),
                 v2v_claim_field (text, "host", host, sizeof host),
                 v2v_claim_field (text, "since", since, sizeof since),
                 v2v_vm_label (run), held ? "" : "; if no conversion runs, "
                 "remove ", held ? "" : path);
      return -1;
    }
    /* Still the file at that name (not one released and replaced)? */
    if (fstat (fd, &a) == -1 || stat (path, &b) == -1 ||
        a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
      close (fd);
      continue;
    }
    if (!created)
      remove_stale (run->dest_dir, text, warn_run, run);
    if (ftruncate (fd, 0) == -1 ||
        pwrite (fd, mine, strlen (mine), 0) != (ssize_t) strlen (mine)) {
      v2v_error ("%s: %m", path);
      close (fd);
      unlink (path);
      return -1;
    }
    run->claim_fd = fd;
    run->claim_path = path;
    path = NULL;
    return 0;
  }
  v2v_error ("%s: the claim on the name keeps changing", path);
  return -1;
}

/* Every claim in the directory that nobody holds (its run was killed,
 * or the host lost power, whatever VM it was for): its temporary files
 * and the claim itself are removed, each said through say.  A claim on a
 * filesystem without locks is left to the next run of its own name,
 * which judges its owner (v2v_local_claim_name).
 */
void
v2v_local_sweep (const char *dir, v2v_say_fn say, void *opaque)
{
  static const char suffix[] = ".v2vboot-claim";
  DIR *d = opendir (dir);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL) {
    size_t n = strlen (e->d_name);
    char path[PATH_MAX], text[CLAIM_MAX], msg[PATH_MAX + 256];
    struct stat a, b;
    ssize_t len;
    int fd, r, err;

    if (e->d_name[0] != '.' || n <= sizeof suffix ||
        strcmp (e->d_name + n - (sizeof suffix - 1), suffix) != 0 ||
        (size_t) snprintf (path, sizeof path, "%s/%s", dir,
                           e->d_name) >= sizeof path)
      continue;
    fd = open (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd == -1)
      continue;
    len = lock_fd (fd) == 0 ? pread (fd, text, sizeof text - 1, 0) : -1;
    /* Held by a live run, no locks here, being written, or replaced. */
    if (len <= 0 || fstat (fd, &a) == -1 || stat (path, &b) == -1 ||
        a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
      close (fd);
      continue;
    }
    text[len] = '\0';
    if (strstr (text, "\npid=") == NULL) {
      close (fd);
      continue;
    }
    remove_stale (dir, text, say, opaque);
    r = unlink (path);
    err = errno;
    if (r == 0)
      snprintf (msg, sizeof msg, "removed %s, the claim of a conversion "
                "that did not finish", path);
    else
      snprintf (msg, sizeof msg, "cannot remove %s, the claim of a "
                "conversion that did not finish: %s", path, strerror (err));
    say (msg, opaque);
    close (fd);
  }
  closedir (d);
}

/* At the end of the run, whatever happened: the name is free again (the
 * files of a converted VM now say it is taken).
 */
void
v2v_local_release (struct run *run)
{
  if (run->claim_path == NULL)
    return;
  unlink (run->claim_path);
  close (run->claim_fd);
  free (run->claim_path);
  run->claim_path = NULL;
}
