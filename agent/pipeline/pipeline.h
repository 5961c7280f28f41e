/* v2vboot engine, the run itself: stages, events, the config (agent/pipeline/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_PIPELINE_H
#define V2V_PIPELINE_H

/* pipeline.c: the stages of v2v_run in order */
extern int v2v_make_workdir (struct run *run);

/* copy_disks.c: the copy stage, several disks at once */
extern int v2v_copy_disks (struct run *run);
extern size_t v2v_copy_width (size_t disks, unsigned cores,
                              unsigned connections);

/* quick_look.c */
extern int v2v_quick_look_begin (struct run *run,
                                 const struct v2v_config *cfg,
                                 const char *stage);
extern int v2v_open_source (struct run *run);
extern void v2v_run_cleanup (struct run *run, bool failed);

/* events.c */
/* Returns -1 (error set) if the run was cancelled. */
extern int v2v_event_stage (struct run *run, const char *name, int disk);
extern void v2v_event_copy (struct run *run, int disk, uint64_t done,
                            uint64_t total, double rate);
extern void v2v_info (struct run *run, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern void v2v_warning (struct run *run, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern void v2v_event_error (struct run *run);
extern void v2v_event_done (struct run *run, bool ok, const char *summary);
extern double v2v_now (void);

#endif
