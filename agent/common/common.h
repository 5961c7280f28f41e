/* v2vboot engine, helpers every stage uses: errors, strings, commands (agent/common/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_COMMON_H
#define V2V_COMMON_H

#include "common/vector.h"

/* error.c */
extern bool v2v_verbose;
extern void v2v_set_stage (const char *name);
extern const char *v2v_stage (void);
extern void v2v_clear_error (void);
/* v2v_error with a kind (and its detail, or NULL) front ends act on. */
extern void v2v_error_kind (enum v2v_error_kind kind, const char *detail,
                            const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
extern void v2v_error (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));
extern void v2v_debug (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));
extern int v2v_oom (void);
/* An error moved from one thread to another (each keeps its own). */
struct v2v_saved_error {
  char *message, *detail;
  enum v2v_error_kind kind;
};
extern void v2v_error_take (struct v2v_saved_error *e);
extern void v2v_error_put (struct v2v_saved_error *e);
extern int v2v_asprintf (char **strp, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* strbuf.c */
struct v2v_strbuf {
  char *buf;
  size_t len, cap;
  bool failed;
};
extern int v2v_sb_add (struct v2v_strbuf *sb, const char *s, size_t n);
extern int v2v_sb_puts (struct v2v_strbuf *sb, const char *s);
extern int v2v_sb_printf (struct v2v_strbuf *sb, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern char *v2v_sb_finish (struct v2v_strbuf *sb);
extern char *v2v_read_file_tail (const char *path, size_t max);

/* A list of strings being built: each one a copy, the array kept
 * NULL-terminated (ptr[len] == NULL once a string is in), so that it is
 * handed over as a char ** list.  Appending is amortised O(1).  Like
 * vector.h these return -1 (errno set) without reporting: the caller
 * says what it was doing.
 */
DEFINE_VECTOR_TYPE (v2v_string_vector, char *);
extern int v2v_strvec_add (struct v2v_string_vector *v, const char *s);
extern int v2v_strvec_addf (struct v2v_string_vector *v, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern char **v2v_strvec_take (struct v2v_string_vector *v);
extern void v2v_strvec_free (struct v2v_string_vector *v);
#define CLEANUP_FREE_STRVEC __attribute__ ((cleanup (v2v_strvec_free)))
extern char **v2v_strv_append (char **strv, const char *s);

/* kvm.c */
extern bool v2v_kvm_opens (void);

/* command.c */
typedef void (*v2v_line_fn) (const char *line, void *opaque);
extern int v2v_command (const char *const *argv, char **output);
extern int v2v_command_lines (const char *const *argv, char **output,
                              v2v_line_fn line_fn, void *opaque);
extern pid_t v2v_spawn_logged (const char *const *argv, const char *logfile);
extern void v2v_kill_wait (pid_t pid);
extern void v2v_track_child (pid_t pid);
extern void v2v_untrack_child (pid_t pid);
extern bool v2v_child_tracked (pid_t pid);
extern void v2v_child_group_set (unsigned group);
extern void v2v_child_group_stop (unsigned group);
extern pid_t v2v_reap (pid_t pid, int *status, int options);
extern bool v2v_cancelled (void);
extern char *v2v_chomp (char *s);
extern const char *v2v_last_line (char *s);

/* parallel_script.c */
extern char *v2v_parallel_script (char **const *argvs, size_t n,
                                  const char *logprefix);
extern int v2v_parallel_status (const char *output, size_t i);

#endif
